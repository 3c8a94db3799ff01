using System.Text.Json.Serialization;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Imaging;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>
/// A dataset listed, checked for duplicates and split before any image is decoded: what each chunk needs to do its part
/// and what the manifest is assembled from. The split is decided here, once, over the whole listing, so it is the same
/// whatever the number of chunks. Stored at <c>prepared/&lt;fingerprint&gt;/chunks/plan.json</c> when there is more than one chunk.
/// </summary>
public sealed record DatasetPlan
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string Fingerprint { get; init; }

    /// <summary>The dataset's name, which every worker resolves itself.</summary>
    public required string Dataset { get; init; }

    public required PreprocessingSpec Preprocessing { get; init; }
    public required int Seed { get; init; }

    /// <summary>The planner's limits as the fingerprint hashes them: a chunk is prepared only by a worker with the same.</summary>
    public required string Limits { get; init; }

    public required DatasetListing Listing { get; init; }

    /// <summary>Files refused before decoding (label conflicts), by index into the listing's files.</summary>
    public required IReadOnlyDictionary<int, ImageProblem> Refused { get; init; }

    /// <summary>Groups of identical files kept in one class (see <see cref="DuplicateImages"/>).</summary>
    public required IReadOnlyList<IReadOnlyList<string>> Duplicates { get; init; }

    /// <summary>Each split's images as indices into the listing's files, in the order they are sharded.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<int>> Members { get; init; }

    /// <summary>Listed files per chunk (the last one may hold fewer).</summary>
    public required int ChunkImages { get; init; }

    [JsonIgnore]
    public int Chunks => Math.Max(1, (Listing.Files.Count + ChunkImages - 1) / ChunkImages);

    /// <summary>The listing's files that chunk <paramref name="chunk"/> prepares: the first index and how many.</summary>
    public (int First, int Count) ChunkFiles(int chunk)
    {
        if (chunk < 0 || chunk >= Chunks)
            throw new PipelineException($"Dataset {Fingerprint} has {Chunks} chunks; there is no chunk {chunk}.");
        var first = chunk * ChunkImages;
        return (first, Math.Min(ChunkImages, Listing.Files.Count - first));
    }
}
