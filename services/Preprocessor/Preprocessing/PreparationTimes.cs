namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>The phases of one preparation, in seconds.</summary>
/// <param name="ListSeconds">Listing the dataset and hashing every file.</param>
/// <param name="DecodeSeconds">Decoding, orienting and resizing every image (in parallel) into the spill file.</param>
/// <param name="WriteSeconds">Splitting, writing the shards (each hashed and flushed to disk by the store) and the manifest.</param>
public sealed record PreparationTimes(double ListSeconds, double DecodeSeconds, double WriteSeconds);
