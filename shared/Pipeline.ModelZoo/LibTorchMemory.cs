namespace Pipeline.ModelZoo;

/// <summary>
/// Native memory that only a .NET collection gives back. Tensors that libtorch hands to .NET outside a dispose scope
/// (autograd's saved tensors, optimizer temporaries) are freed by their finalizers, and the GC, which sees small
/// managed wrappers over large native buffers, runs too rarely. Measured with dispose scopes around every step
/// (mlnet-resnet18, batch 16, 2 threads, 40 steps): in transfer mode RSS climbed from 349 to 431 MiB without this
/// collection and stayed between 316 and 365 MiB with it; in finetune mode it sat about 100 MiB higher without it
/// (1,001-1,084 against 864-973 MiB). One collection per batch costs nothing measurable next to a ResNet step.
/// </summary>
public static class LibTorchMemory
{
    public static void ReleaseUnreachableTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}
