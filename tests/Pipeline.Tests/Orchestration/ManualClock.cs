namespace Pipeline.Tests.Orchestration;

/// <summary>A clock that moves only when a test says so: lease expiry without waiting minutes.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
