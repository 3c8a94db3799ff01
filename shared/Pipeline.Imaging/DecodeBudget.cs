namespace Pipeline.Imaging;

/// <summary>
/// Memory that decodes running at the same time may claim together. A decode waits until its estimate fits; one larger
/// than the whole budget waits until it runs alone. Without it, one huge image per core could each claim the pixel cap's
/// worth at once.
/// </summary>
public sealed class DecodeBudget(long bytes)
{
    private readonly object _gate = new(); // Monitor.Wait needs an object lock, not System.Threading.Lock
    private long _inUse;

    public long Bytes => bytes;

    /// <summary>The most claimed at once so far.</summary>
    public long Peak { get; private set; }

    /// <summary>Blocks until <paramref name="estimate"/> bytes fit; returns the claim to give back to <see cref="Release"/>.</summary>
    public long Acquire(long estimate)
    {
        var claim = Math.Min(estimate, bytes);
        lock (_gate)
        {
            while (_inUse + claim > bytes)
                Monitor.Wait(_gate);
            _inUse += claim;
            Peak = Math.Max(Peak, _inUse);
        }
        return claim;
    }

    public void Release(long claim)
    {
        lock (_gate)
        {
            _inUse -= claim;
            Monitor.PulseAll(_gate);
        }
    }
}
