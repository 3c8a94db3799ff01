using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.Orchestrator.Runs;

namespace Pipeline.Orchestrator.Api;

/// <summary>
/// <c>Idempotency-Key</c> on <c>POST /runs</c>: a client that retries a submission (a timeout, a dropped connection)
/// gets the run its first try made, not a second run. A key is the caller's own (keys of different API keys never
/// meet) and lasts <see cref="Lifetime"/>; the same key with another specification is the client's mistake.
/// </summary>
public static class IdempotentSubmission
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 255;
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>The run id the submission is to use, and whether an earlier request with this key already made it; null when the key came with another body.</summary>
    public static (Guid RunId, bool Replayed)? Claim(RunStore runs, ClaimsPrincipal caller, string key, RunSpec spec, DateTimeOffset now)
    {
        var hash = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(spec, PipelineJson.Compact)));
        var scoped = $"{caller.FindFirstValue(ClaimTypes.NameIdentifier)}:{key}";
        var (runId, standing) = runs.ClaimIdempotencyKey(scoped, hash, Guid.NewGuid(), now, now - Lifetime);
        if (standing != hash)
            return null;
        // The claim is saved before the run: a crash in between leaves a key whose run does not exist yet, which the retry makes.
        return (runId, runs.Find(runId) is not null);
    }

    public static string? Problem(string key) =>
        key.Length is 0 or > MaxKeyLength || key.Any(char.IsControl) ? $"must be 1 to {MaxKeyLength} printable characters" : null;
}
