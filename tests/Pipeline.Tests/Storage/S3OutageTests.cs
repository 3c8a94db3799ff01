using System.Diagnostics;
using Pipeline.Storage;
using Polly.CircuitBreaker;
using Xunit.Abstractions;

namespace Pipeline.Tests.Storage;

/// <summary>The S3 store when its server goes away: each test stops, pauses or restarts an s3rver of its own
/// (same port, same data) and checks the retry budget, the attempt timeout and the circuit breaker.</summary>
public sealed class S3OutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Calls_made_during_a_short_outage_succeed_once_the_server_is_back()
    {
        await using var server = await S3rverProcess.StartAsync();
        using var store = new S3ObjectStore(Patient(server));
        await store.PutBytesAsync("before", [1]);

        await server.StopAsync();
        var clock = Stopwatch.StartNew();
        var put = store.PutBytesAsync("during", [2]);
        var read = store.GetBytesAsync("before");
        var exists = store.ExistsAsync("before");
        var list = store.ListAsync("bef").ToListAsync().AsTask();
        await Task.Delay(Outage);
        Assert.False(put.IsCompleted || read.IsCompleted || exists.IsCompleted || list.IsCompleted, "a call ended while the server was down");
        await server.RestartAsync();

        await put;
        Assert.Equal([1], await read);
        Assert.True(await exists);
        Assert.Equal(["before"], await list);
        var done = clock.Elapsed;
        Assert.Equal([2], await store.GetBytesAsync("during"));
        Assert.Equal(CircuitState.Closed, store.CircuitState);
        output.WriteLine($"server down {Outage.TotalSeconds:F0} s; put, read, exists and list all done {done.TotalSeconds:F1} s after it went down");
    }

    [Fact]
    public async Task A_multipart_put_rides_out_an_outage_between_its_parts()
    {
        await using var server = await S3rverProcess.StartAsync();
        using var store = new S3ObjectStore(Patient(server));
        await store.PutBytesAsync("warm-up", [1]);
        const long size = 30L * 1024 * 1024;
        Task? restart = null;
        // While the second part is being read from the source, the server goes down for a few seconds.
        using var source = new GeneratedStream(size, seed: 30)
        {
            OnPosition = (10L * 1024 * 1024, () =>
            {
                server.StopAsync().GetAwaiter().GetResult();
                restart = Task.Run(async () =>
                {
                    await Task.Delay(Outage);
                    await server.RestartAsync();
                });
            }),
        };

        var clock = Stopwatch.StartNew();
        await store.PutAsync("big/30mb.bin", source);
        var putTime = clock.Elapsed;
        await restart!;

        await using var read = await store.OpenReadAsync("big/30mb.bin");
        var (length, sha256) = await GeneratedStream.HashAsync(read);
        Assert.Equal(size, length);
        Assert.Equal(source.Sha256, sha256);
        Assert.True(putTime >= Outage, $"the put took {putTime}, less than the outage");
        output.WriteLine($"30 MB multipart put with a {Outage.TotalSeconds:F0} s outage after part 1: {putTime.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task An_outage_longer_than_the_retry_budget_fails_promptly_with_a_clear_reason_then_the_circuit_fails_fast()
    {
        await using var server = await S3rverProcess.StartAsync();
        var options = Impatient(server);
        using var store = new S3ObjectStore(options);
        await store.PutBytesAsync("k", [1]);
        await server.StopAsync();

        var clock = Stopwatch.StartNew();
        var first = await Assert.ThrowsAsync<S3StoreException>(() => store.ExistsAsync("k"));
        var firstTime = clock.Elapsed;

        Assert.Equal(options.MaxRetryAttempts + 1, first.Attempts);
        Assert.StartsWith($"S3 existence check of 'k' in bucket '{options.Bucket}' at {server.Endpoint} failed after 5 attempts over ", first.Message);
        Assert.Contains("Connection refused", first.Message);
        Assert.True(firstTime < TimeSpan.FromSeconds(5), $"giving up took {firstTime}");
        output.WriteLine($"gave up after {firstTime.TotalSeconds:F1} s: {first.Message}");

        // The breaker counts operations that spent their retries: 3 failures against the 3 successes before make 50 %.
        var failures = 1;
        while (store.CircuitState != CircuitState.Open && failures < 5)
        {
            await Assert.ThrowsAsync<S3StoreException>(() => store.GetBytesAsync("k"));
            failures++;
        }
        Assert.Equal(CircuitState.Open, store.CircuitState);
        Assert.Equal(3, failures);

        clock.Restart();
        var fast = await Assert.ThrowsAsync<S3StoreException>(() => store.PutBytesAsync("k2", [2]));
        var fastTime = clock.Elapsed;
        Assert.Equal(0, fast.Attempts);
        Assert.Contains("failed fast without trying: the circuit breaker has been open since", fast.Message);
        Assert.Contains("Connection refused", fast.Message);
        Assert.True(fastTime < TimeSpan.FromMilliseconds(500), $"failing fast took {fastTime}");
        output.WriteLine($"then failed fast in {fastTime.TotalMilliseconds:F0} ms: {fast.Message}");
    }

    [Fact]
    public async Task A_hung_server_is_given_up_on_attempt_by_attempt()
    {
        await using var server = await S3rverProcess.StartAsync();
        var options = Impatient(server);
        options.MaxRetryAttempts = 2;
        options.AttemptTimeout = TimeSpan.FromMilliseconds(500);
        using var store = new S3ObjectStore(options);
        await store.PutBytesAsync("k", [1]);

        server.Pause(); // connections are accepted by the kernel, nothing answers
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<S3StoreException>(() => store.ExistsAsync("k"));
        var elapsed = clock.Elapsed;
        server.Resume();

        Assert.Equal(3, error.Attempts);
        Assert.Contains("last cause: no answer within the attempt timeout of 0.5 s", error.Message);
        Assert.True(elapsed >= TimeSpan.FromSeconds(1.5) && elapsed < TimeSpan.FromSeconds(5), $"giving up took {elapsed}");
        Assert.True(await store.ExistsAsync("k"));
        output.WriteLine($"{elapsed.TotalSeconds:F1} s: {error.Message}");
    }

    /// <summary>Enough retries to ride out a few seconds of outage.</summary>
    private static S3StoreOptions Patient(S3rverProcess server)
    {
        var options = S3rverFixture.Options(server);
        options.MaxRetryAttempts = 40;
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
        options.RetryMaxDelay = TimeSpan.FromMilliseconds(500);
        options.AttemptTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    /// <summary>A retry budget of about a second.</summary>
    private static S3StoreOptions Impatient(S3rverProcess server)
    {
        var options = S3rverFixture.Options(server);
        options.MaxRetryAttempts = 4;
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
        options.RetryMaxDelay = TimeSpan.FromMilliseconds(400);
        options.AttemptTimeout = TimeSpan.FromSeconds(2);
        options.CircuitBreakerFailureRatio = 0.5;
        options.CircuitBreakerMinimumThroughput = 2;
        options.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30);
        return options;
    }
}
