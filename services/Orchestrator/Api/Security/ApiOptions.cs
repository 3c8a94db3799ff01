namespace Pipeline.Orchestrator.Api.Security;

/// <summary><c>Pipeline:Api</c>: who may call the API. Keys come from the configuration, a key file, or both.</summary>
public sealed class ApiOptions
{
    public const string Section = "Pipeline:Api";

    public List<ApiKey> Keys { get; set; } = [];

    /// <summary>A file of keys, one per line as <c>ROLE KEY</c> (blank lines and lines starting with # are skipped), readable by its owner only.</summary>
    public string? KeyFile { get; set; }
}
