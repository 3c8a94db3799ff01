namespace Pipeline.Orchestrator.Api.Security;

/// <summary>What a key may do, each role including the ones before it: read &lt; submit &lt; admin.</summary>
public static class ApiRoles
{
    /// <summary>Look at runs, their events and artifacts, and datasets.</summary>
    public const string Read = "read";

    /// <summary>Also submit and cancel runs, upload datasets and weights.</summary>
    public const string Submit = "submit";

    /// <summary>Also delete, and anything an operator does.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Read, Submit, Admin];

    /// <summary>The roles whose keys may do what <paramref name="role"/> may.</summary>
    public static string[] AtLeast(string role) => All.SkipWhile(r => r != role).ToArray();
}
