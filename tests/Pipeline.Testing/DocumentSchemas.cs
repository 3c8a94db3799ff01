using System.Text.Json.Nodes;
using Json.Schema;

namespace Pipeline.Testing;

/// <summary>The JSON Schemas in the repository's docs/ folder, checked against documents the pipeline really wrote.</summary>
public static class DocumentSchemas
{
    public static readonly string Metrics = Path.Combine(PipelineCli.RepoRoot, "docs", "metrics.schema.json");

    /// <summary>Fails the test, listing every violation with its location, when <paramref name="json"/> does not match the schema.</summary>
    public static void AssertValid(string schemaFile, string json)
    {
        var schema = JsonSchema.FromText(File.ReadAllText(schemaFile));
        var results = schema.Evaluate(JsonNode.Parse(json), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
            return;
        var violations = results.Details
            .Where(detail => detail.HasErrors)
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation} ({detail.EvaluationPath}): {error.Value}"));
        Assert.Fail($"The document does not match {Path.GetFileName(schemaFile)}:\n{string.Join("\n", violations)}");
    }
}
