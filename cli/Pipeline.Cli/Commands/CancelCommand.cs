using System.CommandLine;

namespace Pipeline.Cli.Commands;

public static class CancelCommand
{
    public static Command Create()
    {
        var id = ClientCommand.RunIdArgument();
        return ClientCommand.Create("cancel", "Asks a pipeline server to cancel a live run; its stages stop at their next check. A run that is over cannot be cancelled (exit 2).",
            ClientJson.Rejected,
            async (parse, server, asJson) =>
            {
                var run = await server.CancelAsync(ClientCommand.RunId(parse.GetRequiredValue(id)), CancellationToken.None);
                if (asJson)
                    CommandOutput.Json(ClientJson.Of(run));
                else
                    Console.Error.WriteLine($"run {run.RunId:N}: {run.State}");
                return ExitCodes.Success;
            }, id);
    }
}
