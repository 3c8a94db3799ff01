using System.CommandLine;
using Pipeline.Cli.Remote;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary>
/// What <c>status</c>, <c>watch</c>, <c>cancel</c> and <c>report</c> share: <c>--server</c>, <c>--json</c>, the key
/// from <see cref="ApiKeySource"/>, and the rule that a refused request or an unreachable server is a usage error (2)
/// reported as the command's one JSON object.
/// </summary>
internal static class ClientCommand
{
    public static Command Create<TJson>(string name, string description, Func<string, TJson> rejected,
        Func<ParseResult, PipelineServer, bool, Task<int>> action, params Symbol[] symbols)
    {
        var server = ServerOption.Create($"The pipeline server's API URL (default: {ServerOption.Variable}). The API key comes from {ApiKeySource.Help}");
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object on stdout (messages go to stderr)." };
        var command = new Command(name, description) { server, json };
        foreach (var symbol in symbols)
            if (symbol is Argument argument)
                command.Add(argument);
            else
                command.Add((Option)symbol);
        command.SetAction(async parse =>
        {
            var asJson = parse.GetValue(json);
            if (ServerOption.Parse(parse.GetValue(server), out var problem) is not { } url)
                return CommandOutput.Fail(asJson, rejected(problem!), problem!, ExitCodes.BadInput);
            try
            {
                using var client = new PipelineServer(url);
                return await action(parse, client, asJson);
            }
            catch (Exception e) when (e is PipelineException or HttpRequestException)
            {
                var error = e is HttpRequestException ? $"cannot reach the server {url}: {e.Message}" : e.Message;
                return CommandOutput.Fail(asJson, rejected(error), error, ExitCodes.BadInput);
            }
        });
        return command;
    }

    /// <summary>A run id argument: the 32 hex digits (or any GUID form) the run was given.</summary>
    public static Argument<string> RunIdArgument() => new("ID") { Description = "The run's id (printed when it was submitted; `pipeline status` lists them)." };

    /// <exception cref="PipelineException">Not a run id.</exception>
    public static Guid RunId(string text) =>
        Guid.TryParse(text, out var id) ? id : throw new PipelineException($"ID: '{text}' is not a run id (32 hex digits, as `pipeline status` lists them).");

    /// <summary>How a run's state ends a command: 0 completed (or still live), 1 failed, 130 cancelled.</summary>
    public static int ExitCodeOf(RunState state) => state switch
    {
        RunState.Failed => ExitCodes.RunFailed,
        RunState.Cancelled => ExitCodes.Cancelled,
        _ => ExitCodes.Success,
    };
}
