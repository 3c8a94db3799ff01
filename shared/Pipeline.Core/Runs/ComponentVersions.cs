using System.Reflection;
using System.Runtime.InteropServices;

namespace Pipeline.Runs;

/// <summary>Versions worth recording with a run, so a result can be traced to the code and packages that made it.</summary>
public static class ComponentVersions
{
    /// <summary>The pipeline's own version (with the git commit it was built from), .NET and the OS.</summary>
    public static IReadOnlyDictionary<string, string> Host { get; } = new Dictionary<string, string>
    {
        ["pipeline"] = Of(typeof(ComponentVersions).Assembly),
        [".NET"] = RuntimeInformation.FrameworkDescription,
        ["os"] = RuntimeInformation.OSDescription,
    };

    /// <summary>The informational versions of the assemblies that define <paramref name="types"/>, by assembly name.</summary>
    public static IReadOnlyDictionary<string, string> Of(params Type[] types) =>
        types.Select(t => t.Assembly).Distinct().ToDictionary(a => a.GetName().Name!, Of);

    private static string Of(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString()
        ?? "unknown";
}
