using Pipeline.Contracts;
using Pipeline.Orchestrator.Runs;

namespace Pipeline.Orchestrator.Api;

/// <summary>
/// What the datasets and weights endpoints answer alike: both are named objects of the store whose names obey
/// <see cref="DatasetNames"/>' rule, and neither may be deleted while a live run uses it.
/// </summary>
internal static class NamedObjects
{
    /// <summary>A 400 keyed on the <c>name</c> field; the name is quoted shortened, never echoed whole.</summary>
    public static IResult InvalidName(string? name, string kind) => TypedResults.ValidationProblem(new Dictionary<string, string[]>
    {
        ["name"] = [$"{ValidationErrors.Quote(name)} is not a {kind} name: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most {DatasetNames.MaxLength}"],
    });

    public static IResult NotFound(string name, string kind) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No such {kind}", detail: $"No {kind} named '{name}'.");

    /// <summary>A 409 naming the live runs that use the object, or null when none does.</summary>
    public static IResult? InUse(RunStore runs, string name, string kind, Func<RunRecord, bool> uses) =>
        runs.ListLive().Where(uses).Select(run => run.Id.ToString("N")).ToList() is { Count: > 0 } users
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The {kind} is in use",
                detail: $"Live run(s) {string.Join(", ", users)} use {kind} '{name}': delete it once they have ended (or cancel them).")
            : null;
}
