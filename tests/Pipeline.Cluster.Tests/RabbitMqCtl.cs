using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Pipeline.Cluster.Tests;

/// <summary>rabbitmqctl against a deployment's node, the way the README tells a user to run it.</summary>
public static class RabbitMqCtl
{
    /// <param name="rabbit">The <c>rabbitMq</c> object of cluster.json.</param>
    public static async Task<string> RunAsync(JsonElement rabbit, params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/lib/rabbitmq/bin/rabbitmqctl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "-n", rabbit.GetProperty("nodeName").GetString()! },
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["HOME"] = rabbit.GetProperty("home").GetString();
        start.Environment["ERL_EPMD_PORT"] = rabbit.GetProperty("epmdPort").GetInt32().ToString(CultureInfo.InvariantCulture);
        start.Environment["ERL_FLAGS"] = "-start_epmd false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"rabbitmqctl {string.Join(' ', arguments)}: exit code {process.ExitCode}\n{await stdout}\n{await stderr}");
        return await stdout;
    }
}
