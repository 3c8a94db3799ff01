using System.Text.Json;

namespace Pipeline.Contracts;

/// <summary>Problems with a specification, keyed by the field's JSON path (<c>training.epochs</c>), worded for the user.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public bool Contains(string field, string message) => _errors.TryGetValue(field, out var messages) && messages.Contains(message);

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
            _errors[field] = messages = [];
        messages.Add(message);
    }

    /// <summary>Adds <paramref name="message"/> when <paramref name="problem"/> holds.</summary>
    public void AddIf(bool problem, string field, string message)
    {
        if (problem)
            Add(field, message);
    }

    /// <summary>Adds a problem when <paramref name="value"/> is none of its enum's names (a cast number such as <c>(TrainingMode)7</c>).</summary>
    public void AddIfUndefined<TEnum>(TEnum value, string field) where TEnum : struct, Enum =>
        AddIf(!Enum.IsDefined(value), field, $"must be one of {string.Join(", ", Enum.GetValues<TEnum>().Select(name => JsonNamingPolicy.CamelCase.ConvertName(name.ToString())))} (got {value})");

    public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>What the user sent, quoted in a message: cut to its first 40 characters, so that a huge value is never sent back whole.</summary>
    public static string Quote(string? value) => value is null ? "null" : value.Length <= 40 ? $"'{value}'" : $"'{value[..40]}...' ({value.Length} characters)";

    /// <summary>One line per problem: "training.epochs: must be between 1 and 10000 (got 0)".</summary>
    public static string Describe(IReadOnlyDictionary<string, string[]> errors) =>
        string.Join(Environment.NewLine, errors.SelectMany(pair => pair.Value.Select(message => $"{pair.Key}: {message}")));
}
