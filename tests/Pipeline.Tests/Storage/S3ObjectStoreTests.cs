using System.Diagnostics;
using System.Net;
using Pipeline.Storage;
using Xunit.Abstractions;

namespace Pipeline.Tests.Storage;

/// <summary>What the S3 store does beyond the contract, on a real s3rver: paging, multipart streaming, retry
/// classification, bucket creation races. (Outages, with servers of their own, are in <see cref="S3OutageTests"/>.)</summary>
public sealed class S3ObjectStoreTests(S3rverFixture s3rver, ITestOutputHelper output) : IClassFixture<S3rverFixture>
{
    [Fact]
    public async Task Listing_more_keys_than_a_page_follows_continuation_tokens()
    {
        var store = s3rver.CreateStore(out var transport, options => options.ListPageSize = 7);
        var keys = Enumerable.Range(0, 30).Select(i => $"paged/{i:D3}.bin").ToList();
        await Task.WhenAll(keys.Select(key => store.PutBytesAsync(key, [1])));
        await store.PutBytesAsync("paged-not/x", [1]);
        await store.PutBytesAsync("other/x", [1]);

        Assert.Equal(keys, await store.ListAsync("paged/").ToListAsync());

        // 30 keys, 7 a page: 5 pages, the last 4 asked for with a continuation token.
        Assert.Equal(5, transport.Count(r => r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains("list-type=2", StringComparison.Ordinal) && r.Contains("prefix=paged%2F", StringComparison.Ordinal)));
        Assert.Equal(4, transport.Count(r => r.Contains("continuation-token=", StringComparison.Ordinal)));
        Assert.Empty(transport.Mismatches);
    }

    [Fact]
    public async Task A_50_MB_object_streams_up_in_parts_and_back_with_the_same_sha256()
    {
        var store = s3rver.CreateStore(out var transport);
        const long size = 50L * 1024 * 1024 + 12_345;
        using var source = new GeneratedStream(size, seed: 50);

        var clock = Stopwatch.StartNew();
        await store.PutAsync("big/50mb.bin", source);
        var putTime = clock.Elapsed;
        clock.Restart();
        await using var read = await store.OpenReadAsync("big/50mb.bin");
        var (length, sha256) = await GeneratedStream.HashAsync(read);
        var readTime = clock.Elapsed;

        Assert.Equal(size, length);
        Assert.Equal(source.Sha256, sha256);
        // 50 MiB + 12,345 bytes in 8 MiB parts: 7 parts, each signed with its own SHA-256.
        Assert.Equal(7, transport.Count(r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.Contains("partNumber=", StringComparison.Ordinal)));
        Assert.Empty(transport.Mismatches);
        output.WriteLine($"50 MB put {putTime.TotalSeconds:F1} s, streamed read {readTime.TotalSeconds:F1} s");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(256 * 1024 - 1, 0)]
    [InlineData(256 * 1024, 0)]
    [InlineData(5 * 1024 * 1024 - 1, 0)]
    [InlineData(5 * 1024 * 1024, 1)]
    [InlineData(8 * 1024 * 1024, 1)]
    [InlineData(8 * 1024 * 1024 + 1, 2)]
    public async Task Objects_under_5_MiB_go_in_one_put_and_larger_ones_in_8_MiB_parts(int size, int parts)
    {
        var store = s3rver.CreateStore(out var transport);
        using var source = new GeneratedStream(size, seed: size);

        await store.PutAsync("sized.bin", source);
        await using var read = await store.OpenReadAsync("sized.bin");

        Assert.Equal((size, source.Sha256), await GeneratedStream.HashAsync(read));
        Assert.Equal(parts, transport.Count(r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.Contains("partNumber=", StringComparison.Ordinal)));
        Assert.Equal(parts == 0 ? 1 : 0, transport.Count(r => r == $"PUT /{store.Bucket}/sized.bin"));
    }

    [Fact]
    public async Task A_reader_that_stops_early_can_dispose_without_reading_the_rest()
    {
        var store = s3rver.CreateStore(out _);
        await store.PutAsync("big/20mb.bin", new GeneratedStream(20L * 1024 * 1024, seed: 20));

        var clock = Stopwatch.StartNew();
        await using (var read = await store.OpenReadAsync("big/20mb.bin"))
        {
            var head = new byte[64 * 1024];
            await read.ReadExactlyAsync(head);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"open, read 64 KiB and dispose took {clock.Elapsed}");
        await store.PutBytesAsync("after", [7]);
        Assert.Equal([7], await store.GetBytesAsync("after"));
    }

    [Fact]
    public async Task A_missing_object_is_not_retried()
    {
        var store = s3rver.CreateStore(out var transport);
        await store.PutBytesAsync("present", [1]);
        var before = transport.Requests.Count;

        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync("missing"));

        // One attempt: the SDK's HEAD of the bucket and HEAD of the object, nothing more.
        Assert.Equal(2, transport.Requests.Count - before);
    }

    [Fact]
    public async Task Throttling_and_server_errors_are_retried()
    {
        var options = S3rverFixture.Options(s3rver.Server);
        var faults = new FaultInjectingHandler(new SigV4VerifyingHandler(options.SecretKey))
            .Answer(r => r.Method == HttpMethod.Put, HttpStatusCode.ServiceUnavailable, "SlowDown", times: 2)
            .Answer(r => r.RequestUri!.Query.Contains("list-type", StringComparison.Ordinal), HttpStatusCode.InternalServerError, "InternalError")
            .Answer(r => r.Method == HttpMethod.Head && r.RequestUri!.AbsolutePath.EndsWith("/k", StringComparison.Ordinal), HttpStatusCode.TooManyRequests, null)
            .Answer(r => r.Method == HttpMethod.Delete, HttpStatusCode.BadGateway, null);
        using var store = new S3ObjectStore(options, transport: faults);

        await store.PutBytesAsync("k", [1]);
        Assert.Equal(["k"], await store.ListAsync("").ToListAsync());
        Assert.True(await store.ExistsAsync("k"));
        await store.DeleteAsync("k");

        Assert.Equal(5, faults.Injected);
        Assert.False(await store.ExistsAsync("k"));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "InvalidArgument")]
    [InlineData(HttpStatusCode.Forbidden, "AccessDenied")]
    [InlineData(HttpStatusCode.NotFound, "NoSuchBucket")]
    public async Task Client_errors_are_not_retried_and_the_error_says_what_failed(HttpStatusCode status, string code)
    {
        var options = S3rverFixture.Options(s3rver.Server);
        var faults = new FaultInjectingHandler(new SocketsHttpHandler())
            .Answer(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.EndsWith("/obj", StringComparison.Ordinal), status, code, times: 10);
        using var store = new S3ObjectStore(options, transport: faults);

        var error = await Assert.ThrowsAsync<S3StoreException>(() => store.PutBytesAsync("obj", [1]));

        Assert.Equal(1, faults.Injected);
        Assert.Equal(1, error.Attempts);
        Assert.Equal("obj", error.Key);
        Assert.StartsWith($"S3 put of 'obj' in bucket '{options.Bucket}' at {s3rver.Server.Endpoint} failed and was not retried", error.Message);
        Assert.Contains($"{(int)status} {status} {code}: injected by the test (answer to PUT /{options.Bucket}/obj)", error.Message);
        output.WriteLine(error.Message);
    }

    [Fact]
    public async Task An_unknown_access_key_fails_at_once_and_names_the_settings_to_check()
    {
        var options = S3rverFixture.Options(s3rver.Server);
        options.AccessKey = "NOBODY"; // s3rver does check that the key exists
        using var store = new S3ObjectStore(options);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<S3StoreException>(() => store.PutBytesAsync("k", [1]));

        Assert.Equal(1, error.Attempts);
        Assert.Contains("403 Forbidden", error.Message);
        Assert.Contains("Pipeline:Store:S3:AccessKey/SecretKey", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), clock.Elapsed.ToString());
        output.WriteLine(error.Message);
    }

    [Fact]
    public async Task A_wrong_secret_key_is_refused_by_a_verifying_server()
    {
        // s3rver checks no signature; the verifying transport answers the way MinIO would.
        var options = S3rverFixture.Options(s3rver.Server);
        options.SecretKey = "not-the-secret";
        var transport = new SigV4VerifyingHandler(S3rverProcess.SecretKey);
        using var store = new S3ObjectStore(options, transport: transport);

        var error = await Assert.ThrowsAsync<S3StoreException>(() => store.ListAsync("").ToListAsync().AsTask());

        Assert.Equal(1, error.Attempts);
        Assert.Single(transport.Mismatches);
        Assert.Contains("403", error.Message);
    }

    [Fact]
    public async Task A_bucket_made_by_another_process_between_check_and_create_is_used()
    {
        var bucket = S3rverFixture.NewBucketName();
        using var first = new S3ObjectStore(S3rverFixture.Options(s3rver.Server, bucket));
        // The second store's first look finds no bucket, as if it looked just before the first store made it.
        var faults = new FaultInjectingHandler(new SocketsHttpHandler())
            .Answer(r => r.Method == HttpMethod.Head && r.RequestUri!.AbsolutePath.TrimEnd('/') == "/" + bucket, HttpStatusCode.NotFound, null);
        using var second = new S3ObjectStore(S3rverFixture.Options(s3rver.Server, bucket), transport: faults);

        await first.PutBytesAsync("from-first", [1]);
        await second.PutBytesAsync("from-second", [2]); // its create gets 409 BucketAlreadyExists; a second look finds the bucket

        Assert.Equal(1, faults.Injected);
        Assert.Equal(["from-first", "from-second"], await first.ListAsync("").ToListAsync());
    }

    [Fact]
    public async Task Stores_racing_to_create_one_bucket_all_succeed()
    {
        var bucket = S3rverFixture.NewBucketName();
        var stores = Enumerable.Range(0, 6).Select(_ => new S3ObjectStore(S3rverFixture.Options(s3rver.Server, bucket))).ToList();
        try
        {
            await Task.WhenAll(stores.Select((store, i) => Task.Run(() => store.PutBytesAsync($"racer-{i}", [(byte)i]))));

            Assert.Equal(6, (await stores[0].ListAsync("racer-").ToListAsync()).Count);
        }
        finally
        {
            stores.ForEach(store => store.Dispose());
        }
    }
}
