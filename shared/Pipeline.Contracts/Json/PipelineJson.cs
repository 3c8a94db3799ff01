using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>The one JSON dialect of every file the pipeline writes and every body its API takes: camelCase, enums by name.</summary>
public static class PipelineJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });

    /// <summary>The same dialect on one line, for values stored inside other documents (database columns, file metadata).</summary>
    public static readonly JsonSerializerOptions Compact = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        // No enum converter here: one in the options would override the contracts' own (names only, RunState as declared).
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        // A null where the contract has no null (e.g. "training": null) is an error, not a crash later on.
        options.RespectNullableAnnotations = true;
        // Files and API bodies, never inlined into HTML: keep '+', '<' and non-ASCII class names readable.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
