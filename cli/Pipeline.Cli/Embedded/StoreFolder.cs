using Pipeline.Datasets;

namespace Pipeline.Cli.Embedded;

/// <summary>The folder <c>--store</c> names: objects, the run database and downloaded reports.</summary>
internal static class StoreFolder
{
    /// <summary>
    /// Creates the folder and marks it as a store (so that a store inside a data folder is never taken for a class).
    /// </summary>
    /// <returns>Why the folder cannot be used, in words for the user; null when it can.</returns>
    public static string? Prepare(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var marker = Path.Combine(folder, ImageFolder.StoreMarker);
            if (!File.Exists(marker))
                File.WriteAllText(marker, "This folder is a pipeline store (objects, run database, reports). Datasets skip it.\n");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"--store: cannot use '{folder}' as the store ({e.Message}); give a folder you can write to.";
        }
    }
}
