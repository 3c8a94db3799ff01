using System.Diagnostics;

namespace Pipeline.Cli.Embedded;

/// <summary>Wall time of each stage, measured from the end of the one before.</summary>
internal sealed class StageTimings
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, double> _seconds = [];
    private double _last;

    public double this[string stage] => _seconds[stage];
    public IReadOnlyDictionary<string, double> Seconds => _seconds;

    public void End(string stage)
    {
        var now = _clock.Elapsed.TotalSeconds;
        _seconds[stage] = Math.Round(now - _last, 2);
        _last = now;
    }
}
