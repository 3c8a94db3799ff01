using System.CommandLine;
using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary>A command line that does not parse is a usage error: exit 2, the errors on stderr, and the one JSON object when asked for.</summary>
public static class ParseErrors
{
    public static int Report(ParseResult parse, bool asJson)
    {
        var errors = parse.Errors.Select(error => error.Message).ToList();
        foreach (var error in errors)
            Console.Error.WriteLine($"error: {error}");
        Console.Error.WriteLine($"See '{string.Join(' ', parse.CommandResult.Command.Parents.OfType<Command>().Reverse().Select(c => c.Name).Append(parse.CommandResult.Command.Name))} --help'.");
        if (asJson)
            Console.Out.WriteLine(JsonSerializer.Serialize(Rejected(parse.CommandResult.Command.Name, string.Join(" ", errors)), PipelineJson.Options));
        return ExitCodes.BadInput;
    }

    /// <summary>The command's own --json shape, so that a script reads a usage error where it reads a result.</summary>
    private static object Rejected(string command, string error) => command switch
    {
        "predict" => PredictionsJson.Rejected(error),
        "evaluate" => EvaluationJson.Rejected(error),
        "status" or "cancel" or "report" => ClientJson.Rejected(error),
        _ => RunOutcomeJson.Rejected(error),
    };
}
