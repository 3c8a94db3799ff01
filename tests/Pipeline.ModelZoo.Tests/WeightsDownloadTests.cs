using System.Security.Cryptography;
using Pipeline.Contracts;
using Pipeline.ModelZoo.Backbones;

namespace Pipeline.ModelZoo.Tests;

public sealed class WeightsDownloadTests : IDisposable
{
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(3_000_000);
    private readonly TempDirectory _cache = new();
    private readonly LoopbackFileServer _server = new();
    private readonly RecordingLogger<WeightsDownloadTests> _logger = new();

    [Fact]
    public async Task A_download_is_checked_against_the_hash_in_its_name_and_fetched_only_once()
    {
        var path = $"/models/tiny-{Sha256(Content)[..8]}.pth";
        var url = _server.Serve(path, Content);
        var downloads = Downloads(new WeightsOptions { AllowedHosts = [_server.Origin] });

        var first = await downloads.FileAsync(url);
        var second = await downloads.FileAsync(url);

        Assert.Equal(_cache.Combine(Path.GetFileName(path)), first);
        Assert.Equal(first, second);
        Assert.Equal(Content, await File.ReadAllBytesAsync(first));
        Assert.Equal(1, _server.Requests(path));
        Assert.Equal([first], Directory.GetFiles(_cache.Path));
        Assert.Contains(_logger.Entries, entry => entry.Message.StartsWith($"Downloaded weights {url}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_download_whose_hash_differs_from_its_name_is_deleted_and_fails_clearly()
    {
        var url = _server.Serve("/models/tiny-00000000.pth", Content);
        var downloads = Downloads(new WeightsOptions { AllowedHosts = [_server.Origin] });

        var error = await Assert.ThrowsAsync<PipelineException>(() => downloads.FileAsync(url));

        Assert.Contains($"has sha256 {Sha256(Content)}, but its file name says it starts with 00000000", error.Message);
        Assert.Contains("It was deleted", error.Message);
        Assert.Empty(Directory.GetFiles(_cache.Path));
    }

    [Fact]
    public async Task A_service_downloads_only_from_allowed_hosts_and_over_https_unless_an_entry_says_http()
    {
        var path = $"/models/tiny-{Sha256(Content)[..8]}.pth";
        var url = _server.Serve(path, Content);

        var refused = await Assert.ThrowsAsync<PipelineException>(() => Downloads(new WeightsOptions()).FileAsync(url));
        Assert.Contains($"does not download weights from {_server.Origin}", refused.Message);
        Assert.Contains($"Pipeline__Weights__AllowedHosts__0={_server.Origin})", refused.Message);
        Assert.NotNull(Downloads(new WeightsOptions { AllowedHosts = ["127.0.0.1"] }).Refusal(new Uri(url)));
        Assert.NotNull(Downloads(new WeightsOptions { AllowAnyHttpsHost = true }).Refusal(new Uri(url)));
        Assert.NotNull(Downloads(new WeightsOptions { AllowedHosts = ["http://127.0.0.1:1"] }).Refusal(new Uri(url)));
        Assert.Equal(0, _server.Requests(path));

        Assert.Null(Downloads(new WeightsOptions { AllowAnyHttpsHost = true }).Refusal(new Uri("https://example.com/w/resnet50-0676ba61.pth")));
        Assert.Null(Downloads(new WeightsOptions { AllowedHosts = ["example.com"] }).Refusal(new Uri("https://EXAMPLE.com/resnet50-0676ba61.pth")));
        Assert.Equal(Content, await File.ReadAllBytesAsync(await Downloads(new WeightsOptions { AllowedHosts = [_server.Origin] }).FileAsync(url)));
    }

    [Fact]
    public async Task Offline_with_nothing_cached_a_run_fails_before_any_work_saying_how_to_get_the_file()
    {
        var offline = new WeightsOptions { TorchvisionBaseUrl = $"http://127.0.0.1:{LoopbackFileServer.FreePort()}/models/" };
        var registry = new BackboneRegistry(cacheDirectory: _cache.Path, weightsOptions: offline);

        var error = await Assert.ThrowsAsync<PipelineException>(() => registry.PrepareAsync(BackboneNames.ResNet152, WeightsReference.ResNet152V2));

        Assert.Contains($"Cannot download the weights '{WeightsReference.ResNet152V2}'", error.Message);
        Assert.Contains($"copy it to {_cache.Combine("resnet152-f82ba261.pth")}", error.Message);
        Assert.Contains("--weights PATH", error.Message);
        Assert.Empty(Directory.GetFiles(_cache.Path));
        // Once the file is there, nothing is downloaded.
        await File.WriteAllBytesAsync(_cache.Combine("resnet152-f82ba261.pth"), Content);
        await registry.PrepareAsync(BackboneNames.ResNet152, WeightsReference.ResNet152V2);
    }

    private WeightsDownloads Downloads(WeightsOptions options) => new(_cache.Path, options, _logger);

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public void Dispose()
    {
        _server.Dispose();
        _cache.Dispose();
    }
}
