using Pipeline.Orchestrator.Retention;

namespace Pipeline.Cli.Commands;

/// <summary>The <c>--json</c> object of <c>gc</c>: what was (or, in a dry run, would be) removed and the bytes freed, or the error.</summary>
public sealed record GcJson(int SchemaVersion, bool? DryRun, IReadOnlyList<Collected>? Removed, int? Objects, long? Bytes, IReadOnlyList<string>? Kept, string? Error)
{
    public static GcJson Of(CollectionReport report) => new(1, report.DryRun, report.Removed, report.Objects, report.Bytes, report.Kept, null);

    public static GcJson Rejected(string error) => new(1, null, null, null, null, null, error);
}
