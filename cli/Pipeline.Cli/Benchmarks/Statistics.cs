namespace Pipeline.Cli.Benchmarks;

/// <summary>Summaries of repeated timings.</summary>
public static class Statistics
{
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>(max - min) / median: how far apart repeated measurements lie, as a share of their median.</summary>
    public static double Spread(IReadOnlyList<double> values) => (values.Max() - values.Min()) / Median(values);
}
