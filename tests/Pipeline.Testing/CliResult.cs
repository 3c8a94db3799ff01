using System.Text;
using System.Text.Json;

namespace Pipeline.Testing;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The single JSON object that <c>--json</c> promises on stdout.</summary>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Stdout);
        return document.RootElement.Clone();
    }

    public override string ToString() => new StringBuilder()
        .AppendLine($"exit code {ExitCode}")
        .AppendLine("stdout:").AppendLine(Stdout)
        .AppendLine("stderr:").AppendLine(Stderr).ToString();
}
