namespace Pipeline.Datasets;

/// <summary>What a file inside an ImageFolder is to a dataset (see <see cref="ImageFolder.Classify"/>).</summary>
public enum FileKind
{
    /// <summary>A candidate image of the class its first folder names.</summary>
    Image,

    /// <summary>A hidden file, or one inside a hidden folder: left out and counted.</summary>
    Hidden,

    /// <summary>Not an image by its extension, or loose at the root: left out and counted.</summary>
    NotImage,
}
