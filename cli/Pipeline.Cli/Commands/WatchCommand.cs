using System.CommandLine;
using Pipeline.Cli.Embedded;
using Pipeline.Cli.Remote;

namespace Pipeline.Cli.Commands;

public static class WatchCommand
{
    public static Command Create()
    {
        var id = ClientCommand.RunIdArgument();
        return ClientCommand.Create("watch",
            "Follows a run of a pipeline server from its start until it ends, printing its progress (Ctrl+C stops watching; the run goes on). " +
            "Exit code: 0 completed, 1 failed, 130 cancelled.", RunOutcomeJson.Rejected,
            async (parse, server, asJson) =>
            {
                var renderer = new ProgressRenderer(Console.Error);
                var outcome = await RemoteRun.WatchAsync(server, ClientCommand.RunId(parse.GetRequiredValue(id)), renderer, CancellationToken.None);
                if (asJson)
                    CommandOutput.Json(RunOutcomeJson.Of(outcome));
                else
                    renderer.Finished(outcome);
                return ClientCommand.ExitCodeOf(outcome.State);
            }, id);
    }
}
