using System.Net;

namespace Pipeline.Storage;

/// <summary>
/// An S3 server answered a request with an error: the HTTP status, S3's error code and message when the answer had
/// a body (HEAD answers have none), and the request it answered. Thrown by <see cref="S3ErrorResponseHandler"/>
/// beneath the Minio SDK and the store's own requests alike, so both fail the same, precise way.
/// </summary>
public sealed class S3ResponseException(HttpStatusCode statusCode, string? code, string? serverMessage, string request)
    : Exception(Describe(statusCode, code, serverMessage, request))
{
    /// <summary>S3 error codes worth another try whatever the status (AWS's own SDKs retry these too).</summary>
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling", "ThrottlingException",
        "RequestThrottled", "TooManyRequests", "XMinioServerNotInitialized",
    };

    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>S3's error code, e.g. <c>NoSuchKey</c>, <c>AccessDenied</c>, <c>SlowDown</c>; null when the answer had no body.</summary>
    public string? Code { get; } = code;

    public string? ServerMessage { get; } = serverMessage;

    /// <summary>The request answered, as <c>METHOD /bucket/key?query</c>.</summary>
    public string Request { get; } = request;

    /// <summary>Whether trying again can help: 5xx, 408, 429, or a throttling/timeout error code. Never 400/403/404.</summary>
    public bool IsTransient =>
        (int)StatusCode >= 500 || StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        || (Code is not null && TransientCodes.Contains(Code));

    private static string Describe(HttpStatusCode status, string? code, string? message, string request)
    {
        var detail = (code, message) switch
        {
            (null, null) => "",
            (_, null) => $" {code}",
            (null, _) => $": {message}",
            _ => $" {code}: {message}",
        };
        return $"{(int)status} {status}{detail} (answer to {request})";
    }
}
