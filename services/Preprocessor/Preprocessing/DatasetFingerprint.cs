using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Runs;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>
/// Names a prepared dataset by everything that decides its bytes: each image file's path, size and last-write time,
/// the preprocessing options, the seed and the split. Same inputs, same fingerprint, so the work can be skipped.
/// </summary>
/// <remarks>
/// The folder's own location is left out, so a moved dataset keeps its cache; hidden and non-image files are left out,
/// so a stray .DS_Store does not force a re-run.
/// </remarks>
public static class DatasetFingerprint
{
    /// <summary>32 hex characters (128 bits of SHA-256).</summary>
    public static string Compute(ImageFolderScan scan, PreprocessingOptions options, int seed, SplitRatios split)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Line(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));

        Line("pipeline-dataset");
        Line(options.FingerprintText);
        Line(string.Create(CultureInfo.InvariantCulture, $"seed={seed};split={split}"));
        Line(string.Join("/", scan.Classes));
        foreach (var image in scan.Images)
            Line(string.Create(CultureInfo.InvariantCulture, $"{image.RelativePath}\t{image.Size}\t{image.LastWriteUtc.Ticks}"));
        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }
}
