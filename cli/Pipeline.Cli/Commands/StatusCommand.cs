using System.CommandLine;
using System.Globalization;
using Pipeline.Contracts;
using Pipeline.Orchestrator.Api;

namespace Pipeline.Cli.Commands;

public static class StatusCommand
{
    public static Command Create()
    {
        var id = ClientCommand.RunIdArgument();
        id.Arity = ArgumentArity.ZeroOrOne;
        var state = new Option<string?>("--state") { Description = $"List only runs in this state: {string.Join(", ", Enum.GetNames<RunState>())}." };
        var limit = new Option<int>("--limit") { Description = "How many runs to list, newest first (1-500).", DefaultValueFactory = _ => 20 };
        return ClientCommand.Create("status", "Shows one run of a pipeline server (state, trials, accuracies), or lists its newest runs.", ClientJson.Rejected,
            async (parse, server, asJson) =>
            {
                if (parse.GetValue(id) is not { } runId)
                {
                    var page = await server.ListRunsAsync(parse.GetValue(state), parse.GetValue(limit), CancellationToken.None);
                    if (asJson)
                        CommandOutput.Json(ClientJson.Of(page));
                    else
                        foreach (var listed in page.Runs)
                            Console.Out.WriteLine(Line(listed));
                    return ExitCodes.Success;
                }
                var run = await server.GetRunAsync(ClientCommand.RunId(runId), CancellationToken.None);
                if (asJson)
                    CommandOutput.Json(ClientJson.Of(run));
                else
                    Describe(run);
                return ClientCommand.ExitCodeOf(run.State);
            }, id, state, limit);
    }

    private static string Line(RunView run) =>
        $"{run.RunId:N}  {run.State,-13} {run.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm}Z  {run.Spec.Dataset}  {run.Trials.Count} trial(s)" +
        (run.TestAccuracy is { } accuracy ? $"  test accuracy {Percent(accuracy)} ({run.BestTrialId})" : "");

    private static void Describe(RunView run)
    {
        Console.Out.WriteLine(Line(run));
        foreach (var trial in run.Trials)
            Console.Out.WriteLine($"  {trial.TrialId}  {trial.State,-13}" + (trial.Epoch is { } epoch ? $" epoch {epoch}" : "") +
                                  (trial.ValidationAccuracy is { } validation ? $"  val_acc {Percent(validation)}" : "") +
                                  (trial.TestAccuracy is { } test ? $"  test accuracy {Percent(test)}" : "") + (trial.Error is { } error ? $"  {error}" : ""));
        if (run.Error is { } runError)
            Console.Out.WriteLine($"  error: {runError}");
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
