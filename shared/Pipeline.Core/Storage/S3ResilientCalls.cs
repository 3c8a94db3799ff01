using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Pipeline.Telemetry;
using Polly.Timeout;

namespace Pipeline.Storage;

/// <summary>
/// Runs every S3 request of one store through one Polly <see cref="ResiliencePipeline"/>, outermost first:
/// a circuit breaker that counts operations which failed after all their retries; retries with jittered exponential
/// backoff on transient failures only; a timeout per attempt. When it gives up it throws an
/// <see cref="S3StoreException"/> that says which operation on which key failed, after how many attempts, and why.
/// </summary>
public sealed class S3ResilientCalls
{
    private readonly S3StoreOptions _options;
    private readonly string _where;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private volatile string? _breakCause;
    private DateTimeOffset _openedAt;

    public S3ResilientCalls(S3StoreOptions options, ILogger? logger = null)
    {
        _options = options;
        _where = $"bucket '{options.Bucket}' at {options.EndpointUri().GetLeftPart(UriPartial.Authority)}";
        _logger = logger ?? NullLogger.Instance;
        var builder = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
                StateProvider = _circuit,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e)),
                OnOpened = args =>
                {
                    _openedAt = DateTimeOffset.UtcNow;
                    _breakCause = args.Outcome.Exception is { } e ? Describe(e) : "unknown";
                    _logger.LogError("S3 store ({Where}): circuit breaker opened for {BreakDuration} after repeated failures; last cause: {Cause}",
                        _where, args.BreakDuration, _breakCause);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    _logger.LogInformation("S3 store ({Where}): circuit breaker closed, S3 answers again", _where);
                    return ValueTask.CompletedTask;
                },
            });
        if (options.MaxRetryAttempts > 0)
        {
            var retry = RetryOptions(options);
            retry.OnRetry = args =>
            {
                PipelineMetrics.ObjectStoreRetries.Add(1, new KeyValuePair<string, object?>("pipeline.operation", args.Context.OperationKey));
                _logger.LogWarning("S3 store ({Where}): attempt {Attempt} of {Operation} failed: {Cause}; retrying in {Delay} ms",
                    _where, args.AttemptNumber + 1, args.Context.OperationKey,
                    args.Outcome.Exception is { } e ? Describe(e) : "?", (int)args.RetryDelay.TotalMilliseconds);
                return ValueTask.CompletedTask;
            };
            builder.AddRetry(retry);
        }
        _pipeline = builder.AddTimeout(options.AttemptTimeout).Build();
    }

    /// <summary>The retry strategy: transient failures only, exponential backoff from <see cref="S3StoreOptions.RetryBaseDelay"/>
    /// with Polly's decorrelated jitter, capped at <see cref="S3StoreOptions.RetryMaxDelay"/>. With the defaults (8 retries,
    /// from 1 s, at most 10 s) the waits add up to 33-51 s, so a 20 s outage is ridden out.</summary>
    public static RetryStrategyOptions RetryOptions(S3StoreOptions options) => new()
    {
        MaxRetryAttempts = options.MaxRetryAttempts,
        Delay = options.RetryBaseDelay,
        MaxDelay = options.RetryMaxDelay,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e)),
    };

    /// <summary>Closed, Open, HalfOpen or Isolated.</summary>
    public CircuitState CircuitState => _circuit.CircuitState;

    /// <summary>Runs <paramref name="call"/> (one attempt of one request, given the attempt's token) until it succeeds,
    /// fails permanently, or the retry budget is spent. Permanent S3 errors are not retried; handle the expected ones
    /// (404 on a read, say) inside <paramref name="call"/>.</summary>
    public async Task<T> RunAsync<T>(string operation, string key, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var attempts = 0;
        var what = key.Length == 0 ? $"S3 {operation}" : $"S3 {operation} of '{key}'";
        var started = Stopwatch.GetTimestamp();
        var context = ResilienceContextPool.Shared.Get($"{operation} '{key}'", cancellationToken);
        try
        {
            return await _pipeline.ExecuteAsync(async ctx =>
            {
                Interlocked.Increment(ref attempts);
                return await call(ctx.CancellationToken).ConfigureAwait(false);
            }, context).ConfigureAwait(false);
        }
        catch (BrokenCircuitException open)
        {
            var retryAfter = open.RetryAfter is { } after ? $" It lets a trial call through in {Seconds(after)}." : "";
            throw new S3StoreException(
                $"{what} in {_where} failed fast without trying: the circuit breaker has been open since " +
                $"{_openedAt:HH:mm:ss} UTC because operations kept failing after all their retries (last cause: {_breakCause}).{retryAfter}",
                operation, key, attempts: 0, open);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new S3StoreException(
                $"{what} in {_where} failed after {attempts} attempt{(attempts == 1 ? "" : "s")} " +
                $"over {Seconds(Stopwatch.GetElapsedTime(started))}; last cause: {Describe(e)}. " +
                $"Transient failures are retried {_options.MaxRetryAttempts} times with backoff up to {Seconds(_options.RetryMaxDelay)}; " +
                "is the S3 server up and reachable?",
                operation, key, attempts, e);
        }
        catch (Exception e) when (e is not (ArgumentException or ObjectNotFoundException or S3StoreException))
        {
            throw new S3StoreException(
                $"{what} in {_where} failed and was not retried (not a transient failure): {Describe(e)}{Hint(e)}",
                operation, key, attempts, e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Whether trying again can help: connection refused/reset, name resolution, a response cut short,
    /// an attempt timeout, 5xx, 408, 429 or S3's throttling codes. Never 400, 403, 404, or TLS and configuration errors.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        S3StoreException => false, // already the verdict of a whole operation
        S3ResponseException response => response.IsTransient,
        TimeoutRejectedException => true,
        HttpRequestException http => http.HttpRequestError is not (HttpRequestError.SecureConnectionError
            or HttpRequestError.UserAuthenticationError or HttpRequestError.ConfigurationLimitExceeded
            or HttpRequestError.ExtendedConnectNotSupported or HttpRequestError.VersionNegotiationError),
        Minio.Exceptions.ConnectionException => true,
        IOException or SocketException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };

    /// <summary>One line for an operator: what went wrong, without a stack trace.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        S3ResponseException response => $"S3 answered {response.Message}",
        TimeoutRejectedException timeout => $"no answer within the attempt timeout of {Seconds(timeout.Timeout)}",
        HttpRequestException http => $"{http.Message}{(http.InnerException is { } inner && !http.Message.Contains(inner.Message, StringComparison.Ordinal) ? $" ({inner.Message})" : "")} [{http.HttpRequestError}]",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    private static string Hint(Exception exception) => exception switch
    {
        S3ResponseException { StatusCode: System.Net.HttpStatusCode.Forbidden } =>
            $". Check {S3StoreOptions.SectionName}:AccessKey/SecretKey, the bucket's policy, and this machine's clock",
        S3ResponseException { StatusCode: System.Net.HttpStatusCode.MovedPermanently or System.Net.HttpStatusCode.Redirect or System.Net.HttpStatusCode.TemporaryRedirect } =>
            $". The bucket may live in another region than {S3StoreOptions.SectionName}:Region",
        _ => "",
    };

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString(time.TotalSeconds < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " s";
}
