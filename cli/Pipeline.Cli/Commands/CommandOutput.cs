using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary>How `predict` and `evaluate` end: the --json object on stdout, or the error on stderr.</summary>
internal static class CommandOutput
{
    public static void Json<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, PipelineJson.Options));

    /// <summary>A failure: the JSON object when asked for, else the message on stderr.</summary>
    public static int Fail<T>(bool asJson, T json, string message, int exitCode)
    {
        if (asJson)
            Json(json);
        else
            Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }

    /// <summary>Files that could not be classified, one line each, on stderr (never fatal).</summary>
    public static void Errors(IEnumerable<Evaluator.Prediction.ImageFileError> errors)
    {
        foreach (var error in errors)
            Console.Error.WriteLine($"error: {error.Path}: {error.Error}");
    }
}
