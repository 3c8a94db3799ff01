namespace Pipeline.Storage;

/// <summary>Rules every object key obeys, so that no key can escape a store's root or mean two things.</summary>
public static class ObjectKey
{
    public const int MaxLength = 1024;

    /// <summary>Returns <paramref name="key"/> when it is a valid key; throws <see cref="ArgumentException"/> naming the problem otherwise.</summary>
    public static string Validate(string? key) =>
        Problem(key) is { } problem ? throw new ArgumentException($"Invalid object key '{key}': {problem}.", nameof(key)) : key!;

    public static bool IsValid(string? key) => Problem(key) is null;

    private static string? Problem(string? key)
    {
        if (string.IsNullOrEmpty(key))
            return "it is empty";
        if (key.Length > MaxLength)
            return $"it is longer than {MaxLength} characters";
        if (key[0] == '/' || key.Contains('\\') || key.Contains(':'))
            return "it must be a relative path with '/' separators";
        if (key.Any(char.IsControl))
            return "it contains control characters";
        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0)
                return "it has an empty path segment";
            if (segment is "." or "..")
                return "'.' and '..' segments are not allowed";
        }
        return null;
    }
}
