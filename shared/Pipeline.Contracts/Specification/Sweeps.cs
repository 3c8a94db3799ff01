using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Contracts;

/// <summary>
/// A sweep is a cartesian product over <c>training.*</c> fields, each named by its JSON name. Trials are numbered
/// t1..tN in product order: the first key varies slowest, as nested loops in the order the keys were written.
/// </summary>
public static class Sweeps
{
    public const int MaxTrials = 32;
    public const string Prefix = "training.";
    private const int MaxKeyLength = 64;

    /// <summary>The trials of <paramref name="spec"/>; what makes a sweep unusable goes into <paramref name="errors"/> under <c>sweep.*</c>.</summary>
    public static IReadOnlyList<TrialSpec> Expand(RunSpec spec, ValidationErrors errors)
    {
        if (spec.Sweep is not { } sweep)
            return [new TrialSpec(TrialId(1), spec.Training)];
        var fields = SettableFields();
        foreach (var (key, values) in sweep)
        {
            // A key is echoed in the field path only when it is short enough to be a field's name.
            var field = key.Length <= MaxKeyLength ? $"sweep.{key}" : "sweep";
            if (!key.StartsWith(Prefix, StringComparison.Ordinal) || !fields.Contains(key[Prefix.Length..]))
                errors.Add(field, $"not a training field: use training.<name> with one of {string.Join(", ", fields.Select(name => Prefix + name))}");
            else if (values is not { Length: > 0 })
                errors.Add(field, "give at least one value");
        }
        var count = sweep.Values.Aggregate(1L, (product, values) => product * Math.Max(values?.Length ?? 0, 1));
        errors.AddIf(count > MaxTrials, "sweep", $"makes {count} trials; at most {MaxTrials} are allowed");
        if (!errors.IsEmpty)
            return [];

        foreach (var (key, values) in sweep)
            foreach (var value in values)
                if (!Fits(spec.Training, key, value))
                    errors.Add($"sweep.{key}", $"{ValidationErrors.Quote(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText())} is not a value of {key}");
        if (!errors.IsEmpty)
            return [];

        var trials = new List<TrialSpec>();
        foreach (var combination in Product(sweep.ToList()))
        {
            var training = With(spec.Training, combination);
            var problems = new ValidationErrors();
            training.Validate(problems);
            foreach (var (field, messages) in problems.ToDictionary())
                foreach (var message in messages.Where(message => !errors.Contains($"sweep.{field}", message)))
                    errors.Add($"sweep.{field}", message);
            trials.Add(new TrialSpec(TrialId(trials.Count + 1), training));
        }
        return errors.IsEmpty ? trials : [];
    }

    public static string TrialId(int number) => $"t{number}";

    /// <summary>The base settings with the given fields replaced, read as any training group is.</summary>
    /// <exception cref="JsonException">A value the field cannot hold.</exception>
    private static TrainingSpec With(TrainingSpec baseline, IEnumerable<(string Key, JsonElement Value)> values)
    {
        var json = JsonSerializer.SerializeToNode(baseline, PipelineJson.Compact)!.AsObject();
        foreach (var (key, value) in values)
            json[key[Prefix.Length..]] = JsonNode.Parse(value.GetRawText());
        return json.Deserialize<TrainingSpec>(PipelineJson.Compact)!;
    }

    /// <summary>Whether <paramref name="value"/> can stand in the field at all (a mode that is no mode, a string for a number cannot).</summary>
    private static bool Fits(TrainingSpec baseline, string key, JsonElement value)
    {
        try
        {
            With(baseline, [(key, value)]);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The JSON names of the fields a specification sets (not the ones computed from them).</summary>
    private static SortedSet<string> SettableFields()
    {
        // Metadata exists once the options are fixed; the first call may come before anything was serialized with them.
        PipelineJson.Compact.MakeReadOnly(populateMissingResolver: true);
        return new(PipelineJson.Compact.GetTypeInfo(typeof(TrainingSpec)).Properties.Where(p => p.Set is not null).Select(p => p.Name), StringComparer.Ordinal);
    }

    private static IEnumerable<IReadOnlyList<(string Key, JsonElement Value)>> Product(IReadOnlyList<KeyValuePair<string, JsonElement[]>> axes)
    {
        IEnumerable<IReadOnlyList<(string, JsonElement)>> combinations = [[]];
        foreach (var (key, values) in axes)
            combinations = combinations.SelectMany(prefix => values.Select(value => (IReadOnlyList<(string, JsonElement)>)[.. prefix, (key, value)])).ToList();
        return combinations;
    }
}
