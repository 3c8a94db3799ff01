namespace Pipeline.Orchestrator.Api;

/// <summary>The media types of what runs write.</summary>
internal static class ContentTypes
{
    public static string Of(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".json" => "application/json",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
