namespace Pipeline.Datasets;

/// <param name="Path">Relative to the ImageFolder, starting with the class folder; the object is <c>raw/&lt;Path&gt;</c>.</param>
public sealed record IndexedFile(string Path, long Size, string Sha256);
