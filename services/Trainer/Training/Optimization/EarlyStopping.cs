using Pipeline.Runs;

namespace Pipeline.Trainer.Training.Optimization;

/// <summary>
/// Early stopping on validation loss, decided from the epochs recorded so far and nothing else: a resumed trial reads
/// the same history and so stops (or goes on) exactly where an uninterrupted one would.
/// </summary>
public static class EarlyStopping
{
    /// <summary>Why training should stop after the last of <paramref name="epochs"/>, or null to go on (always null without a patience).</summary>
    public static string? Reason(IReadOnlyList<EpochRecord> epochs, int? patience)
    {
        if (patience is not { } limit || epochs.Count == 0)
            return null;
        // A diverged epoch's NaN loss is no improvement (ordered comparisons would rank NaN lowest).
        var lowest = epochs.Where(record => !double.IsNaN(record.ValidationLoss)).MinBy(record => record.ValidationLoss);
        var since = epochs[^1].Epoch - (lowest?.Epoch ?? 0);
        return since >= limit
            ? $"validation loss has not improved for {since} epochs (patience {limit}); " +
              (lowest is null ? "it was never a number" : $"its lowest, {lowest.ValidationLoss:F4}, was in epoch {lowest.Epoch}")
            : null;
    }
}
