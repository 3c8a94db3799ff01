using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Contracts;
using Pipeline.Datasets;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>
/// Names a prepared dataset by everything that decides its bytes: each image file's path and content hash (never its
/// size or modification time, which <c>cp -p</c>, <c>rsync -t</c> or tar keep across a change of content), the
/// preprocessing options, the worker's limits and the seed. Same inputs, same fingerprint, so the work can be skipped.
/// </summary>
/// <remarks>
/// The dataset's name and location are left out, so a renamed or moved dataset keeps its cache; hidden and
/// non-image files are left out, so a stray .DS_Store does not force a re-run.
/// </remarks>
public static class DatasetFingerprint
{
    /// <summary>32 hex characters (128 bits of SHA-256).</summary>
    public static string Compute(DatasetListing listing, PreprocessingSpec preprocessing, PreprocessorOptions options, int seed)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Line(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));

        Line("pipeline-dataset");
        Line(options.FingerprintText);
        Line(string.Create(CultureInfo.InvariantCulture,
            $"seed={seed};split={preprocessing.Split};size={preprocessing.ImageSize};resize={preprocessing.Resize};background={preprocessing.Background.ToLowerInvariant()}"));
        Line(string.Join("/", listing.Classes));
        foreach (var file in listing.Files)
            Line($"{file.RelativePath}\t{file.Sha256}");
        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }
}
