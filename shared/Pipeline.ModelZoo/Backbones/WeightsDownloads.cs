using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;

namespace Pipeline.ModelZoo.Backbones;

/// <summary>
/// Brings downloadable weights (known torchvision names, URLs) into the local cache once: downloaded into a temporary
/// file, checked against the sha256 prefix in the file's name (as torch.hub checks it), then renamed into place, so
/// that the cache never holds a partial or wrong file. URLs a run names come only from hosts <see cref="WeightsOptions"/> allows.
/// </summary>
public sealed class WeightsDownloads(string cacheDirectory, WeightsOptions options, ILogger logger)
{
    /// <summary>torchvision's largest ResNet file is 241 MB; anything past this is not a ResNet state_dict.</summary>
    public const long MaxBytes = 2L << 30;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    /// <summary>The local file of a known torchvision name or a URL, downloaded first when the cache lacks it.</summary>
    /// <exception cref="PipelineException">The host is not allowed, the download fails (offline: the message says how to
    /// get the file by hand), or what arrives does not match the hash in its name.</exception>
    public async Task<string> FileAsync(string reference, CancellationToken cancellationToken = default)
    {
        var (fileName, source) = WeightsReference.Download(reference, options.TorchvisionBaseUrl)
                                 ?? throw new ArgumentException($"'{reference}' is not a downloadable weights reference.", nameof(reference));
        if (WeightsReference.Url(reference) is not null && Refusal(source) is { } refusal)
            throw new PipelineException(refusal);
        var hashPrefix = WeightsReference.HashPrefix(fileName)
                         ?? throw new ArgumentException($"'{reference}' does not carry the start of its sha256 in its file name.", nameof(reference));
        var path = Path.Combine(cacheDirectory, fileName);
        if (File.Exists(path))
            return path;
        try
        {
            await DownloadAsync(source, path, hashPrefix, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new PipelineException(
                $"Cannot download the weights '{reference}' from {source} ({e.Message}). If this machine is offline, download that file elsewhere and " +
                $"copy it to {path}, or pass a local file with --weights PATH, or use --backbone {BackboneNames.MlNetResNet18}, which works offline.", e);
        }
        return path;
    }

    /// <summary>Why this worker will not download from <paramref name="url"/>'s host; null when it will.</summary>
    public string? Refusal(Uri url)
    {
        if (options.AllowAnyHttpsHost && url.Scheme == Uri.UriSchemeHttps)
            return null;
        if (options.AllowedHosts.Any(entry => Allows(entry, url)))
            return null;
        var origin = url.GetLeftPart(UriPartial.Authority);
        // https needs only the host; plain http is allowed only by the exact origin.
        var entry = url.Scheme == Uri.UriSchemeHttps ? url.Host : origin;
        return $"This worker does not download weights from {origin}: an operator allows it with {WeightsOptions.Section}:AllowedHosts " +
               $"(e.g. the environment variable Pipeline__Weights__AllowedHosts__0={entry}). Or copy the file into the object store and name it store:<key>.";
    }

    private static bool Allows(string entry, Uri url)
    {
        if (!entry.Contains("://", StringComparison.Ordinal))
            return url.Scheme == Uri.UriSchemeHttps && string.Equals(entry, url.Host, StringComparison.OrdinalIgnoreCase);
        return Uri.TryCreate(entry, UriKind.Absolute, out var allowed)
               && allowed.Scheme == url.Scheme && string.Equals(allowed.Host, url.Host, StringComparison.OrdinalIgnoreCase) && allowed.Port == url.Port;
    }

    private async Task DownloadAsync(Uri source, string path, string hashPrefix, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(cacheDirectory);
        var temp = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            using var response = await Http.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            var total = response.Content.Headers.ContentLength;
            if (total > MaxBytes)
                throw TooLarge(source);
            logger.LogInformation("Downloading weights {Url} ({Megabytes:F1} MB) into {Path}", source, total / 1e6, path);
            var clock = Stopwatch.StartNew();
            string sha256;
            await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true))
            {
                sha256 = await CopyAndHashAsync(body, file, source, total, clock, cancellationToken);
            }
            if (!sha256.StartsWith(hashPrefix, StringComparison.Ordinal))
                throw new PipelineException(
                    $"The download {source} has sha256 {sha256}, but its file name says it starts with {hashPrefix}: it is damaged or not the file named. " +
                    "It was deleted; try again, or check the URL.");
            File.Move(temp, path, overwrite: true);
            logger.LogInformation("Downloaded weights {Url} in {Seconds:F1} s (sha256 {Sha256})", source, clock.Elapsed.TotalSeconds, sha256);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    private async Task<string> CopyAndHashAsync(Stream body, FileStream file, Uri source, long? total, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long received = 0;
        var logged = TimeSpan.Zero;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            received += read;
            if (received > MaxBytes)
                throw TooLarge(source);
            hash.AppendData(buffer, 0, read);
            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            if (clock.Elapsed - logged >= ProgressInterval)
            {
                logged = clock.Elapsed;
                logger.LogInformation("Downloading weights {Url}: {Megabytes:F1} of {Total:F1} MB", source, received / 1e6, total / 1e6);
            }
        }
        file.Flush(flushToDisk: true);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static PipelineException TooLarge(Uri source) =>
        new($"The download {source} is larger than {MaxBytes / (1 << 20)} MiB, which no ResNet state_dict is; it was not kept.");
}
