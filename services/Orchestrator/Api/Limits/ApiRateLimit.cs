namespace Pipeline.Orchestrator.Api.Limits;

/// <summary>
/// <c>Pipeline:Api:RateLimit</c>: requests per caller (its API key, or its address when it sends none), as a token
/// bucket that holds <see cref="Burst"/> requests and refills at <see cref="PermitsPerMinute"/>.
/// </summary>
public sealed class ApiRateLimit
{
    public const string Section = "Pipeline:Api:RateLimit";

    public int PermitsPerMinute { get; set; } = 600;
    public int Burst { get; set; } = 100;
}
