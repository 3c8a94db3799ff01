namespace Pipeline.Orchestrator.Api;

/// <summary>The media types of what runs write and of the dashboard's files.</summary>
internal static class ContentTypes
{
    public static string Of(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".json" => "application/json",
        ".png" => "image/png",
        ".svg" => "image/svg+xml",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
}
