using System.Diagnostics;

namespace Pipeline.Trainer.Training.Optimization;

/// <summary>Milliseconds spent in each <see cref="StepPhase"/>, summed over the steps that recorded into it.</summary>
public sealed class StepPhases
{
    private readonly double[] _milliseconds = new double[Enum.GetValues<StepPhase>().Length];

    public double this[StepPhase phase] => _milliseconds[(int)phase];

    /// <summary>Adds the time since <paramref name="clock"/> last restarted to <paramref name="phase"/>, and restarts it.</summary>
    public void Add(StepPhase phase, Stopwatch clock)
    {
        _milliseconds[(int)phase] += clock.Elapsed.TotalMilliseconds;
        clock.Restart();
    }
}
