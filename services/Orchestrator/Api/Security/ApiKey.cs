namespace Pipeline.Orchestrator.Api.Security;

/// <summary>One entry of <c>Pipeline:Api:Keys</c>: a secret a client sends as <c>Authorization: Bearer KEY</c>, and its role.</summary>
public sealed class ApiKey
{
    public string Key { get; set; } = "";
    public string Role { get; set; } = "";
}
