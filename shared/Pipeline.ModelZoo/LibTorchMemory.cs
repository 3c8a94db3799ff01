namespace Pipeline.ModelZoo;

/// <summary>
/// Native memory that only a .NET collection gives back. Tensors that libtorch hands to .NET outside a dispose scope
/// (autograd's saved tensors, optimizer temporaries) are freed by their finalizers, and the GC, which sees small
/// managed wrappers over large native buffers, runs too rarely: measured here, RSS grew by 8 to 90 MiB per training
/// step without it. One collection per batch keeps it flat at no measurable cost next to a ResNet step.
/// </summary>
public static class LibTorchMemory
{
    public static void ReleaseUnreachableTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}
