namespace Pipeline.Storage;

/// <summary>
/// An S3 store operation failed for good: its message says which operation on which key, in which bucket at which
/// endpoint, after how many attempts, and the last cause (the inner exception). An <see cref="IOException"/>, so code
/// that copes with a failing disk copes with a failing object store the same way.
/// </summary>
public sealed class S3StoreException(string message, string operation, string key, int attempts, Exception? innerException)
    : IOException(message, innerException)
{
    /// <summary>What was being done, e.g. <c>put</c>, <c>read</c>, <c>list (page 2)</c>, <c>put (part 3 of a multipart upload)</c>.</summary>
    public string Operation { get; } = operation;

    /// <summary>The object key (the prefix, for a listing).</summary>
    public string Key { get; } = key;

    /// <summary>Attempts made; 0 when the circuit breaker refused the call without trying.</summary>
    public int Attempts { get; } = attempts;
}
