namespace Pipeline.Storage;

/// <summary>
/// Settings of <see cref="S3ObjectStore"/>, bound from configuration section <see cref="SectionName"/>
/// (e.g. <c>Pipeline__Store__S3__Endpoint=http://minio:9000</c>). The retry budget is here so that how long an
/// outage is ridden out is a setting, not a constant: by default 8 retries that wait 33-51 s in all
/// (Polly's jitter), so a 20 s outage is ridden out and a dead server is given up on within a minute.
/// </summary>
public sealed class S3StoreOptions
{
    public const string SectionName = "Pipeline:Store:S3";

    /// <summary>The smallest part S3 accepts in a multipart upload (all but the last part).</summary>
    public const int MinPartSize = 5 * 1024 * 1024;

    /// <summary><c>http://127.0.0.1:9000</c>, <c>https://s3.eu-west-1.amazonaws.com</c>, or <c>host:port</c>
    /// (then <see cref="UseSsl"/> picks the scheme). A scheme given here wins over <see cref="UseSsl"/>.</summary>
    public string Endpoint { get; set; } = "";

    public string Bucket { get; set; } = "";

    public string AccessKey { get; set; } = "";

    public string SecretKey { get; set; } = "";

    /// <summary>HTTPS when <see cref="Endpoint"/> has no scheme.</summary>
    public bool UseSsl { get; set; }

    /// <summary>The signing region (MinIO accepts us-east-1 unless configured otherwise).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Retries after the first attempt of one request, on transient failures only (connection refused or
    /// reset, attempt timeouts, 5xx, 429/SlowDown), never on 400/403/404.</summary>
    public int MaxRetryAttempts { get; set; } = 8;

    /// <summary>First retry delay; it doubles per retry, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most one attempt of one request may take (a request, or one part of a multipart upload; not a
    /// whole download, whose body streams to the reader after the attempt succeeded).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The circuit breaker counts operations that failed after all their retries. It opens when at least
    /// <see cref="CircuitBreakerMinimumThroughput"/> operations ran within <see cref="CircuitBreakerSamplingDuration"/>
    /// and this share of them failed; then calls fail at once for <see cref="CircuitBreakerBreakDuration"/>.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    public int CircuitBreakerMinimumThroughput { get; set; } = 2;

    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Bytes a put buffers: an object smaller than 5 MiB that fits is sent in one PUT; anything larger goes
    /// as a multipart upload in parts of this size, one part in memory at a time. At least 5 MiB.</summary>
    public int PartSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Keys asked for per ListObjectsV2 page (S3 caps it at 1,000).</summary>
    public int ListPageSize { get; set; } = 1000;

    /// <summary>The endpoint as a base URI (scheme, host, port, no path).</summary>
    public Uri EndpointUri()
    {
        var text = Endpoint.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
            text = (UseSsl ? "https://" : "http://") + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            throw new InvalidOperationException($"{SectionName}:Endpoint '{Endpoint}' is not an S3 endpoint such as http://127.0.0.1:9000 or minio:9000.");
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
            throw new InvalidOperationException($"{SectionName}:Endpoint '{Endpoint}' has a path; give only scheme, host and port.");
        return uri;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the first setting that is missing or out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Endpoint))
            throw Problem("Endpoint", "is not set");
        EndpointUri();
        if (string.IsNullOrWhiteSpace(Bucket))
            throw Problem("Bucket", "is not set");
        if (Bucket.Length is < 3 or > 63 || !Bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')
            || !char.IsAsciiLetterOrDigit(Bucket[0]) || !char.IsAsciiLetterOrDigit(Bucket[^1]))
            throw Problem("Bucket", $"'{Bucket}' is not a bucket name (3-63 lower-case letters, digits, '-' or '.')");
        if (string.IsNullOrEmpty(AccessKey) || string.IsNullOrEmpty(SecretKey))
            throw Problem("AccessKey/SecretKey", "are not set");
        if (string.IsNullOrWhiteSpace(Region))
            throw Problem("Region", "is not set");
        if (MaxRetryAttempts < 0)
            throw Problem("MaxRetryAttempts", "is negative");
        if (RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
            throw Problem("RetryBaseDelay/RetryMaxDelay", "must be positive, the maximum at least the base");
        if (AttemptTimeout < TimeSpan.FromMilliseconds(10))
            throw Problem("AttemptTimeout", "must be at least 10 ms");
        if (CircuitBreakerFailureRatio is <= 0 or > 1)
            throw Problem("CircuitBreakerFailureRatio", "must be in (0, 1]");
        if (CircuitBreakerMinimumThroughput < 2)
            throw Problem("CircuitBreakerMinimumThroughput", "must be at least 2");
        if (CircuitBreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500))
            throw Problem("CircuitBreakerSamplingDuration/CircuitBreakerBreakDuration", "must be at least 500 ms");
        if (PartSize < MinPartSize)
            throw Problem("PartSize", $"must be at least {MinPartSize} bytes (S3's smallest part)");
        if (ListPageSize is < 1 or > 1000)
            throw Problem("ListPageSize", "must be in 1..1000");
    }

    private static InvalidOperationException Problem(string setting, string problem) =>
        new($"{SectionName}:{setting} {problem}.");
}
