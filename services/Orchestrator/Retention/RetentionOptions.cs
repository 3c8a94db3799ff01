namespace Pipeline.Orchestrator.Retention;

/// <summary>
/// <c>Pipeline:Retention</c>: how long `pipeline gc` keeps data that no live run uses, counted from its last use (the
/// latest update of a run that used it, or when it was made). Data a live run uses is never removed.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Pipeline:Retention";

    /// <summary>Prepared datasets (<c>prepared/&lt;fingerprint&gt;/</c>: shards, manifest and cached features); a new run with the same inputs prepares them again.</summary>
    public double KeepPreparedDays { get; set; } = 14;

    /// <summary>Cached backbone features, the bulk of a prepared dataset after a transfer-learning run; a new run extracts them again.</summary>
    public double KeepFeaturesDays { get; set; } = 7;
}
