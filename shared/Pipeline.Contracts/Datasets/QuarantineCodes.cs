namespace Pipeline.Contracts;

/// <summary>
/// Why a file was quarantined, as a stable code a program can match (the manifest's <c>quarantine[].code</c>); the
/// message beside it is for people.
/// </summary>
public static class QuarantineCodes
{
    /// <summary>The data stops early: a JPEG without its end marker, a PNG without its last chunk, an empty file.</summary>
    public const string Truncated = "truncated";

    /// <summary>The data is complete but damaged (a failed checksum, a decoder error).</summary>
    public const string Corrupt = "corrupt";

    /// <summary>The content matches no image format (text or HTML named .jpg, say).</summary>
    public const string NotAnImage = "not-an-image";

    public const string TooLarge = "too-large";
    public const string TooManyPixels = "too-many-pixels";

    /// <summary>A FIFO, device, socket, folder link or broken link where an image was expected: never read.</summary>
    public const string NotRegularFile = "not-regular-file";

    /// <summary>A link to a file outside the dataset folder: never read.</summary>
    public const string LinkOutsideRoot = "link-outside-root";

    /// <summary>The same content under two classes: every copy after the first is left out.</summary>
    public const string LabelConflict = "label-conflict";

    /// <summary>An image format the pipeline recognises but does not decode.</summary>
    public const string UnsupportedFormat = "unsupported-format";

    /// <summary>The file exists but the operating system refused to read it (permissions, I/O error).</summary>
    public const string Unreadable = "unreadable";
}
