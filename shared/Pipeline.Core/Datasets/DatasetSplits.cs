namespace Pipeline.Datasets;

public static class DatasetSplits
{
    public const string Train = "train";
    public const string Validation = "val";
    public const string Test = "test";
    public static readonly IReadOnlyList<string> All = [Train, Validation, Test];
}
