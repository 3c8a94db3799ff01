namespace Pipeline.Cli.Benchmarks;

/// <summary>What <c>benchmarks/train_step.py</c> prints: one round of the PyTorch peer.</summary>
internal sealed record PeerStepOutput(string Tool, int Threads, int InteropThreads, IReadOnlyList<double> MsPerStep, StepPhasesJson PhasesMs);
