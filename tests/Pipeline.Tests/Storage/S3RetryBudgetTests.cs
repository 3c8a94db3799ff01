using System.Net;
using Pipeline.Storage;
using Polly;
using Xunit.Abstractions;

namespace Pipeline.Tests.Storage;

/// <summary>The default retry budget on an instant clock, Polly's jitter drawn from a seeded random source.</summary>
public sealed class S3RetryBudgetTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_default_retries_wait_long_enough_to_ride_out_a_20_second_outage_and_not_a_minute()
    {
        var random = new Random(20);
        var waits = new List<TimeSpan>();
        for (var run = 0; run < 300; run++)
        {
            var (attempts, waited) = await RetryUntilGivingUpAsync(new S3StoreOptions(), random.NextDouble);
            Assert.Equal(9, attempts);
            waits.Add(waited);
        }

        output.WriteLine($"waits before giving up: {waits.Min().TotalSeconds:F1}-{waits.Max().TotalSeconds:F1} s");
        Assert.InRange(waits.Min().TotalSeconds, 25, 60);
        Assert.InRange(waits.Max().TotalSeconds, 25, 60);
    }

    [Fact]
    public async Task A_server_that_is_back_after_20_seconds_is_reached_with_the_defaults()
    {
        var clock = new InstantTimeProvider();
        var retry = S3ResilientCalls.RetryOptions(new S3StoreOptions());
        retry.Randomizer = () => 0.0; // the shortest waits Polly's jitter can give
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }.AddRetry(retry).Build();

        var answer = await pipeline.ExecuteAsync(_ => clock.Elapsed < TimeSpan.FromSeconds(20)
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")
            : ValueTask.FromResult("answered"));

        Assert.Equal("answered", answer);
    }

    [Fact]
    public async Task Permanent_failures_are_not_retried_at_all()
    {
        var retry = S3ResilientCalls.RetryOptions(new S3StoreOptions());
        var attempts = 0;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = new InstantTimeProvider() }.AddRetry(retry).Build();

        await Assert.ThrowsAsync<S3ResponseException>(() => pipeline.ExecuteAsync<int>(_ =>
        {
            attempts++;
            throw new S3ResponseException(HttpStatusCode.Forbidden, "AccessDenied", "Access Denied", "GET /b/k");
        }).AsTask());

        Assert.Equal(1, attempts);
    }

    private static async Task<(int Attempts, TimeSpan Waited)> RetryUntilGivingUpAsync(S3StoreOptions options, Func<double> jitter)
    {
        var clock = new InstantTimeProvider();
        var retry = S3ResilientCalls.RetryOptions(options);
        retry.Randomizer = jitter;
        var attempts = 0;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }.AddRetry(retry).Build();

        await Assert.ThrowsAsync<HttpRequestException>(() => pipeline.ExecuteAsync<int>(_ =>
        {
            attempts++;
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");
        }).AsTask());
        return (attempts, clock.Elapsed);
    }
}
