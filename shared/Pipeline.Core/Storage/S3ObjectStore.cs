using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Minio;
using Minio.DataModel;
using Minio.DataModel.Args;
using Polly.CircuitBreaker;

using Pipeline.Datasets;

namespace Pipeline.Storage;

/// <summary>
/// The distributed-mode store: one object per key in an S3 bucket (MinIO, AWS, or anything that speaks S3), through
/// the Minio SDK 7.0.0 for single requests, and signed requests of its own for listing and multipart upload. Every
/// request goes through one resilience pipeline (<see cref="S3ResilientCalls"/>). The bucket is created at first use.
/// <list type="bullet">
/// <item>Put: an object under 5 MiB is buffered and sent in one PUT; a larger one streams as a multipart upload, one
/// part (<see cref="S3StoreOptions.PartSize"/>) in memory at a time, each part retried on its own, the upload aborted
/// if the put fails. S3 makes the new object visible at once and whole (PUT and CompleteMultipartUpload are atomic).</item>
/// <item>Read: the body streams through a bounded pipe as it arrives (no temp file, no whole-object buffer); a missing
/// object throws <see cref="ObjectNotFoundException"/> from <see cref="OpenReadAsync"/> itself. Retries cover
/// everything up to the first byte; a connection lost mid-body fails the read with an <see cref="IOException"/>.</item>
/// <item>List: ListObjectsV2 pages (continuation tokens) are gathered, then sorted ordinally, because S3 orders keys
/// by UTF-8 bytes (not .NET's ordinal UTF-16 order for characters beyond U+FFFF) and s3rver by directory walk.</item>
/// </list>
/// Never used, on purpose: CopyObject, multi-object delete, ranged GET (broken in SDK 7.0.0 or missing in s3rver).
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    /// <summary>The Minio SDK 7.0.0 refuses longer object names (S3 itself allows 1,024 bytes of UTF-8).</summary>
    public const int MaxKeyLength = 512;

    private const int MaxKeyBytes = 1024;
    private const int MaxParts = 10_000;
    private const int ReadAheadBytes = 1024 * 1024;
    private const int SmallObjectWindow = 256 * 1024;

    private readonly S3StoreOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly IMinioClient _minio;
    private readonly S3RestClient _rest;
    private readonly S3ResilientCalls _calls;
    private readonly SemaphoreSlim _bucketGate = new(1, 1);
    private volatile bool _bucketReady;

    /// <param name="transport">The innermost HTTP handler (tests, proxies); a pooled <see cref="SocketsHttpHandler"/> by default.</param>
    public S3ObjectStore(S3StoreOptions options, ILogger<S3ObjectStore>? logger = null, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var endpoint = options.EndpointUri();
        transport ??= new SocketsHttpHandler
        {
            ConnectTimeout = options.AttemptTimeout < TimeSpan.FromSeconds(10) ? options.AttemptTimeout : TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        _http = new HttpClient(new S3ErrorResponseHandler(transport), disposeHandler: true);
        _minio = new MinioClient()
            .WithEndpoint(endpoint.Host, endpoint.Port)
            .WithSSL(endpoint.Scheme == Uri.UriSchemeHttps)
            .WithCredentials(options.AccessKey, options.SecretKey)
            .WithRegion(options.Region)
            .WithHttpClient(_http)
            .Build();
        _rest = new S3RestClient(_http, endpoint, options.Bucket, new AwsSigV4Signer(options.AccessKey, options.SecretKey, options.Region));
        _calls = new S3ResilientCalls(options, _logger);
    }

    public string Bucket => _options.Bucket;

    /// <summary>The circuit breaker's state: Closed while S3 answers, Open while calls fail fast.</summary>
    public CircuitState CircuitState => _calls.CircuitState;

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(content);
        if (!_logger.IsEnabled(LogLevel.Debug))
        {
            await PutContentAsync(key, content, cancellationToken).ConfigureAwait(false);
            return;
        }
        // What each key received, so that a test can prove that a duplicate message rewrote nothing with other bytes.
        var hashing = new HashingReadStream(content);
        await PutContentAsync(key, hashing, cancellationToken).ConfigureAwait(false);
        _logger.LogDebug("Put {Key}: {Bytes} bytes, sha256 {Sha256}", key, hashing.BytesRead, hashing.Sha256());
    }

    private async Task PutContentAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        // Most objects are small (JSON, manifests): a small pooled window first, the part-sized buffer only when it fills.
        var head = ArrayPool<byte>.Shared.Rent(SmallObjectWindow);
        try
        {
            var length = await content.ReadAtLeastAsync(head.AsMemory(0, SmallObjectWindow), SmallObjectWindow, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (length < SmallObjectWindow)
            {
                await PutSingleAsync(key, head, length, cancellationToken).ConfigureAwait(false);
                return;
            }
            var buffer = ArrayPool<byte>.Shared.Rent(_options.PartSize);
            try
            {
                head.AsSpan(0, length).CopyTo(buffer);
                var part = buffer.AsMemory(0, _options.PartSize);
                length += await content.ReadAtLeastAsync(part[length..], part.Length - length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (length < S3StoreOptions.MinPartSize)
                    await PutSingleAsync(key, buffer, length, cancellationToken).ConfigureAwait(false);
                else
                    await PutMultipartAsync(key, content, part, length, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        return await _calls.RunAsync("read", key, token => StartDownloadAsync(key, token), cancellationToken).ConfigureAwait(false)
               ?? throw new ObjectNotFoundException(key);
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        return await _calls.RunAsync("existence check", key, async token =>
        {
            try
            {
                await _minio.StatObjectAsync(new StatObjectArgs().WithBucket(Bucket).WithObject(key), token).ConfigureAwait(false);
                return true;
            }
            catch (S3ResponseException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> SizeAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        return await _calls.RunAsync("size", key, async token =>
        {
            try
            {
                return (await _minio.StatObjectAsync(new StatObjectArgs().WithBucket(Bucket).WithObject(key), token).ConfigureAwait(false)).Size;
            }
            catch (S3ResponseException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new ObjectNotFoundException(key);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<string>();
        string? continuation = null;
        for (var page = 1; ; page++)
        {
            var token = continuation;
            var result = await _calls.RunAsync(page == 1 ? "list" : $"list (page {page})", prefix,
                attempt => _rest.ListObjectsV2Async(prefix, token, _options.ListPageSize, attempt), cancellationToken).ConfigureAwait(false);
            // Keys the store could not read back (folder markers such as "a/" made by other tools) are left out.
            keys.AddRange(result.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal) && ObjectKey.IsValid(key)));
            if (!result.IsTruncated)
                break;
            continuation = result.NextContinuationToken
                           ?? throw new InvalidDataException($"S3 said the listing of '{prefix}' in bucket '{Bucket}' goes on after page {page} but gave no continuation token.");
        }
        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        await _calls.RunAsync("delete", key, async token =>
        {
            try
            {
                await _minio.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(Bucket).WithObject(key), token).ConfigureAwait(false);
            }
            catch (S3ResponseException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                // S3 answers 204 for a missing key; a 404 (some servers) means the same: nothing to delete.
            }
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _minio.Dispose();
        _http.Dispose();
        _bucketGate.Dispose();
    }

    private async Task PutSingleAsync(string key, byte[] buffer, int length, CancellationToken cancellationToken) =>
        await _calls.RunAsync("put", key, async token =>
        {
            using var body = new MemoryStream(buffer, 0, length, writable: false);
            await _minio.PutObjectAsync(new PutObjectArgs()
                .WithBucket(Bucket).WithObject(key)
                .WithStreamData(body).WithObjectSize(length)
                .WithContentType("application/octet-stream"), token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Streams <paramref name="content"/> as a multipart upload; <paramref name="part"/> already holds the first
    /// <paramref name="firstLength"/> bytes. Parts are retried one by one; if the put fails, the upload is aborted.</summary>
    private async Task PutMultipartAsync(string key, Stream content, Memory<byte> part, int firstLength, CancellationToken cancellationToken)
    {
        var uploadId = await _calls.RunAsync("put (start of a multipart upload)", key,
            token => _rest.CreateMultipartUploadAsync(key, token), cancellationToken).ConfigureAwait(false);
        var parts = new List<(int PartNumber, string ETag)>();
        try
        {
            var length = firstLength;
            for (var number = 1; length > 0; number++)
            {
                if (number > MaxParts)
                    throw new IOException($"Object '{key}' is larger than {MaxParts} parts of {_options.PartSize} bytes; raise {S3StoreOptions.SectionName}:PartSize.");
                var partNumber = number;
                var chunk = part[..length];
                var etag = await _calls.RunAsync($"put (part {partNumber} of a multipart upload)", key,
                    token => _rest.UploadPartAsync(key, uploadId, partNumber, chunk, token), cancellationToken).ConfigureAwait(false);
                parts.Add((partNumber, etag));
                length = length < part.Length
                    ? 0 // the stream ended inside this part
                    : await content.ReadAtLeastAsync(part, part.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            }
            await _calls.RunAsync($"put (completion of a {parts.Count}-part upload)", key, async token =>
            {
                await _rest.CompleteMultipartUploadAsync(key, uploadId, parts, token).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbortQuietlyAsync(key, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>One best-effort attempt, outside the resilience pipeline on purpose: the put has failed already, and
    /// retrying the clean-up (or waiting for an open circuit) would only delay the error the caller needs.</summary>
    private async Task AbortQuietlyAsync(string key, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.AttemptTimeout);
            await _rest.AbortMultipartUploadAsync(key, uploadId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogWarning("S3 store: could not abort multipart upload {UploadId} of '{Key}' in bucket '{Bucket}' ({Cause}); " +
                               "its parts stay until a lifecycle rule removes incomplete uploads",
                uploadId, key, Bucket, S3ResilientCalls.Describe(e));
        }
    }

    /// <summary>One attempt to open <paramref name="key"/>: the SDK's GET runs in the background, writing the body
    /// into a bounded pipe; this returns as soon as the body starts (null when there is no such object).</summary>
    private async Task<Stream?> StartDownloadAsync(string key, CancellationToken attempt)
    {
        // 64 KiB segments: few enough in flight (the read-ahead is 16 of them) for the shared array pool to recycle them all.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: ReadAheadBytes, resumeWriterThreshold: ReadAheadBytes / 2,
            minimumSegmentSize: 64 * 1024, useSynchronizationContext: false));
        var download = new CancellationTokenSource();
        var bodyStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var args = new GetObjectArgs().WithBucket(Bucket).WithObject(key).WithCallbackStream(async (body, token) =>
        {
            bodyStarted.TrySetResult();
            await body.CopyToAsync(pipe.Writer, token).ConfigureAwait(false);
        });
        var get = _minio.GetObjectAsync(args, download.Token);
        try
        {
            await Task.WhenAny(bodyStarted.Task, get).WaitAsync(attempt).ConfigureAwait(false);
            if (!bodyStarted.Task.IsCompleted)
            {
                await get.ConfigureAwait(false); // it ended before any body: this throws what S3 answered
                throw new InvalidDataException($"The Minio SDK finished reading '{key}' without handing over a body.");
            }
        }
        catch (S3ResponseException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            download.Dispose();
            return null;
        }
        catch
        {
            download.Cancel();
            _ = get.ContinueWith(static (task, state) =>
            {
                _ = task.Exception; // observed
                ((CancellationTokenSource)state!).Dispose();
            }, download, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
        _ = PumpAsync(get, pipe.Writer, key);
        return new S3ObjectReadStream(pipe.Reader, download);
    }

    /// <summary>Ends the pipe when the download ends: cleanly, or with an <see cref="IOException"/> the reader gets.</summary>
    private static async Task PumpAsync(Task<ObjectStat> download, PipeWriter writer, string key)
    {
        try
        {
            await download.ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await writer.CompleteAsync(new IOException(
                $"Reading S3 object '{key}' failed part-way: {S3ResilientCalls.Describe(e)}. Open it again to retry.", e)).ConfigureAwait(false);
        }
    }

    /// <summary>Creates the bucket unless it exists; once per store. Safe when processes race: a 409 from the create
    /// means another one made it first, which a second look confirms.</summary>
    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucketReady)
            return;
        await _bucketGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_bucketReady)
                return;
            if (!await BucketExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                var created = await _calls.RunAsync("bucket creation", "", async token =>
                {
                    try
                    {
                        await _minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(Bucket).WithLocation(_options.Region), token).ConfigureAwait(false);
                        return true;
                    }
                    catch (S3ResponseException e) when (e.StatusCode == HttpStatusCode.Conflict)
                    {
                        return false; // BucketAlreadyOwnedByYou / BucketAlreadyExists: someone was first
                    }
                }, cancellationToken).ConfigureAwait(false);
                if (created)
                    _logger.LogInformation("S3 store: created bucket '{Bucket}'", Bucket);
                else if (!await BucketExistsAsync(cancellationToken).ConfigureAwait(false))
                    throw new S3StoreException($"S3 bucket '{Bucket}' cannot be created (the name is taken) and is not accessible with these credentials.",
                        "bucket creation", "", attempts: 1, innerException: null);
            }
            _bucketReady = true;
        }
        finally
        {
            _bucketGate.Release();
        }
    }

    private Task<bool> BucketExistsAsync(CancellationToken cancellationToken) =>
        _calls.RunAsync("bucket check", "", async token =>
        {
            try
            {
                return await _minio.BucketExistsAsync(new BucketExistsArgs().WithBucket(Bucket), token).ConfigureAwait(false);
            }
            catch (S3ResponseException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
        }, cancellationToken);

    private static void ValidateKey(string key)
    {
        ObjectKey.Validate(key);
        if (key.Length > MaxKeyLength)
            throw new ArgumentException($"Invalid object key '{key[..40]}...': the S3 store takes keys of at most {MaxKeyLength} characters (the Minio SDK's limit).", nameof(key));
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
            throw new ArgumentException($"Invalid object key '{key[..40]}...': S3 keys are at most {MaxKeyBytes} bytes of UTF-8.", nameof(key));
    }
}
