using System.CommandLine;
using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>--sweep training.FIELD=V1,V2,...</c>, repeatable: the run's <see cref="RunSpec.Sweep"/>. A value that reads as a
/// JSON number, true, false or null is one; anything else is a string (<c>transfer</c>, <c>store:weights/x.pth</c>).
/// </summary>
public static class SweepOption
{
    public static Option<string[]> Create() => new("--sweep")
    {
        Description = $"Train one trial per combination of values (at most {Sweeps.MaxTrials} trials), e.g. --sweep training.mode=transfer,finetune " +
                      "--sweep training.learningRate=1e-3,1e-4; any training field by its JSON name (training.epochs, training.batchSize, training.views, ...). " +
                      "The run's report compares the trials and names the best.",
        HelpName = "training.FIELD=V1,V2",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The sweep the arguments describe; null when there are none. Arguments that are not KEY=VALUES go to <paramref name="problems"/>.</summary>
    public static IReadOnlyDictionary<string, JsonElement[]>? Parse(string[]? arguments, List<string> problems)
    {
        if (arguments is not { Length: > 0 })
            return null;
        var sweep = new Dictionary<string, JsonElement[]>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            var separator = argument.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                problems.Add($"--sweep: '{argument}' must look like training.mode=transfer,finetune.");
                continue;
            }
            sweep[argument[..separator]] = argument[(separator + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(Value).ToArray();
        }
        return sweep;
    }

    private static JsonElement Value(string text)
    {
        try
        {
            using var literal = JsonDocument.Parse(text);
            if (literal.RootElement.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null)
                return literal.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not a JSON literal: a string.
        }
        return JsonSerializer.SerializeToElement(text);
    }
}
