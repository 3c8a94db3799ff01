namespace Pipeline.Cli.Cluster;

/// <summary>
/// The standalone Aspire Dashboard (NuGet <c>Aspire.Dashboard.Sdk.linux-x64</c>, restored into the NuGet package folder
/// by infra/aspire-dashboard): the services' OTLP receiver and the deployment's trace viewer, on 127.0.0.1 without
/// login (like s3rver, it is for one machine's own use). It keeps telemetry in memory only.
/// </summary>
public static class AspireDashboardNode
{
    public const string Package = "aspire.dashboard.sdk.linux-x64";

    public const string InstallHint =
        "install it with `bash infra/scripts/install-deps.sh --test` (or `dotnet restore infra/aspire-dashboard`) and run `cluster up` again";

    /// <summary>The dashboard's program in the NuGet package folder (the newest version there), or null when it was never restored.</summary>
    public static string? Locate()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var versions = new DirectoryInfo(Path.Combine(packages, Package));
        if (!versions.Exists)
            return null;
        return versions.EnumerateDirectories()
            .Select(version => (Version: System.Version.TryParse(version.Name, out var parsed) ? parsed : null, Program: Path.Combine(version.FullName, "tools", "Aspire.Dashboard")))
            .Where(candidate => candidate.Version is not null && File.Exists(candidate.Program))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Program)
            .FirstOrDefault();
    }

    /// <summary>Runs in its package folder, its content root: the web UI's files (wwwroot) are found from there.</summary>
    public static LaunchSpec Launch(string program, TelemetrySettings settings, ClusterPaths paths) =>
        new(ClusterServices.Dashboard, 1, program, [], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = settings.DashboardUrl,
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{settings.OtlpGrpcPort}",
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = settings.OtlpHttpUrl,
            // No browser login, no OTLP API key: everything is on 127.0.0.1.
            ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
        }, Path.GetDirectoryName(program)!, paths.Log(ClusterServices.Dashboard, 1), settings.DashboardPort, settings.DashboardUrl);
}
