using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Contracts;

/// <summary>
/// Datasets are named objects of the pipeline (uploaded to the store, or a local folder the CLI registers under a
/// name in its own process), never server paths. A name is lower-case letters, digits, '.', '_' and '-', at most 64.
/// </summary>
public static partial class DatasetNames
{
    public const int MaxLength = 64;

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>A valid name made from a folder's name ("Flowers 2024" → "flowers-2024"), for datasets the user did not name.</summary>
    public static string FromFolderName(string folderName)
    {
        var name = new StringBuilder();
        foreach (var c in folderName.ToLowerInvariant())
            name.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' ? c : '-');
        var text = name.ToString().Trim('-', '.', '_');
        if (text.Length > MaxLength)
            text = text[..MaxLength].TrimEnd('-', '.', '_');
        return IsValid(text) ? text : "dataset";
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex Pattern();
}
