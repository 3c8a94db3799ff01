namespace Pipeline.Datasets;

/// <summary>What an upload did: files listed, files sent, files already in the store with the same content.</summary>
public sealed record DatasetUpload(string Name, int Files, int Uploaded, int Unchanged, long UploadedBytes);
