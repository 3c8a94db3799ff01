namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>The first step of a preparation: the dataset found prepared already (<paramref name="Cached"/>), or its plan.</summary>
/// <param name="ListSeconds">Listing and hashing the dataset.</param>
public sealed record PlannedDataset(DatasetPlan? Plan, PreparedDataset? Cached, double ListSeconds);
