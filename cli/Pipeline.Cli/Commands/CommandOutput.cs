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

    /// <summary>
    /// A benchmark's end: its figures as the JSON object (or <paramref name="summarise"/>d on stderr) and exit code 0, or
    /// the <see cref="PipelineException"/> it failed with as <paramref name="rejected"/> and exit code 1.
    /// </summary>
    public static async Task<int> MeasuredAsync<T>(bool asJson, Func<Task<T>> measure, Action<T> summarise, Func<string, T> rejected)
    {
        try
        {
            var result = await measure();
            if (asJson)
                Json(result);
            else
                summarise(result);
            return ExitCodes.Success;
        }
        catch (PipelineException e)
        {
            return Fail(asJson, rejected(e.Message), e.Message, ExitCodes.RunFailed);
        }
    }

    /// <summary>Files that could not be classified, one line each, on stderr (never fatal).</summary>
    public static void Errors(IEnumerable<Evaluator.Prediction.ImageFileError> errors)
    {
        foreach (var error in errors)
            Console.Error.WriteLine($"error: {error.Path}: {error.Error}");
    }
}
