namespace Pipeline.Orchestrator.Api.Dashboard;

/// <summary>The dashboard's settings, in <c>Pipeline:Api</c> beside the keys.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Pipeline:Api";
    public const string TraceIdPlaceholder = "{traceId}";

    /// <summary>Where a run's trace opens, <c>{traceId}</c> replaced by its id; the default is a local Aspire Dashboard.</summary>
    public string TraceViewerUrl { get; set; } = $"http://127.0.0.1:18888/traces/detail/{TraceIdPlaceholder}";

    /// <summary>How long a browser stays signed in.</summary>
    public TimeSpan SignInLifetime { get; set; } = TimeSpan.FromHours(12);
}
