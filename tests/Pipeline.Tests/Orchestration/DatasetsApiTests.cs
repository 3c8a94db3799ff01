using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Storage;

namespace Pipeline.Tests.Orchestration;

public sealed class DatasetsApiTests : IDisposable
{
    private readonly OrchestratorApi _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task A_tar_of_an_image_folder_becomes_a_named_dataset_with_an_index_of_hashes()
    {
        var cat = new byte[] { 1, 2, 3 };
        using var tar = Tar(("./cats/a.png", cat), ("dogs/b.jpg", [4, 5]), ("dogs/c.jpg", [6]), ("dogs/.hidden.jpg", [7]), ("README.txt", [8]));

        var response = await Upload("pets", tar);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var upload = (await response.Content.ReadFromJsonAsync<DatasetUpload>(PipelineJson.Options))!;
        Assert.Equal((3, 3), (upload.Files, upload.Uploaded));
        var index = (await _api.Client.GetFromJsonAsync<DatasetIndex>("/datasets/pets", PipelineJson.Options))!;
        Assert.Equal(["cats", "dogs"], index.Classes);
        Assert.Equal(new SkippedFiles(Hidden: 1, NotImages: 1), index.Skipped);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(cat)), index.Files.Single(f => f.Path == "cats/a.png").Sha256);
        Assert.Equal(cat, await _api.Store.GetBytesAsync(ObjectKeys.DatasetFile("pets", "cats/a.png")));
    }

    [Fact]
    public async Task A_tar_of_train_val_and_test_folders_becomes_a_dataset_that_keeps_its_split()
    {
        using var tar = Tar(("train/cats/a.png", [1]), ("train/dogs/b.png", [2]), ("val/cats/c.png", [3]), ("test/dogs/d.png", [4]), ("train/notes.png", [5]));

        var response = await Upload("presplit", tar);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var listing = await new StoreDataset(_api.Store, "presplit").ListAsync();
        Assert.True(listing.PreSplit);
        Assert.Equal(["cats", "dogs"], listing.Classes);
        Assert.Equal(["train/cats/a.png:0:train", "train/dogs/b.png:1:train", "val/cats/c.png:0:val", "test/dogs/d.png:1:test"],
            listing.Files.Select(f => $"{f.RelativePath}:{f.Label}:{f.Split}").OrderBy(f => Array.IndexOf(["train", "val", "test"], f.Split(':')[2])));
    }

    [Fact]
    public async Task Links_and_paths_that_leave_the_folder_are_never_stored()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "cats/ok.png") { DataStream = new MemoryStream([1]) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "dogs/ok.png") { DataStream = new MemoryStream([2]) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "../dogs/escape.png") { DataStream = new MemoryStream([3]) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "dogs/passwd.png") { LinkName = "/etc/passwd" });
        }
        tar.Position = 0;

        var response = await Upload("safe", tar);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var keys = await _api.Store.ListAsync("datasets/").ToListAsync();
        Assert.Equal(["datasets/safe/index.json", "datasets/safe/raw/cats/ok.png", "datasets/safe/raw/dogs/ok.png"], keys);
    }

    [Fact]
    public async Task An_archive_that_is_not_an_image_folder_or_a_bad_name_is_a_400_problem()
    {
        using var oneClass = Tar(("cats/a.png", [1]));
        var notFolder = await Upload("one", oneClass);
        using var any = Tar(("cats/a.png", [1]), ("dogs/b.png", [2]));
        var badName = await Upload("Bad Name", any);

        Assert.Equal(HttpStatusCode.BadRequest, notFolder.StatusCode);
        Assert.Contains("needs at least two", await notFolder.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        using var problem = JsonDocument.Parse(await badName.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("name", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await _api.Client.GetAsync("/datasets/one")).StatusCode);
    }

    [Fact]
    public async Task A_weights_file_is_stored_once_under_its_content_hash()
    {
        byte[] weights = [9, 8, 7, 6];

        var first = await _api.Client.PostAsync("/weights", new ByteArrayContent(weights));
        var second = await _api.Client.PostAsync("/weights", new ByteArrayContent(weights));

        var reference = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("weights").GetString()!;
        Assert.Equal($"store:weights/{Convert.ToHexStringLower(SHA256.HashData(weights))}.pth", reference);
        Assert.Equal(reference, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("weights").GetString());
        Assert.Equal(weights, await _api.Store.GetBytesAsync(WeightsReference.StoreKey(reference)!));
    }

    private Task<HttpResponseMessage> Upload(string name, Stream tar)
    {
        var content = new StreamContent(tar);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        return _api.Client.PostAsync($"/datasets?name={Uri.EscapeDataString(name)}", content);
    }

    private static MemoryStream Tar(params (string Path, byte[] Content)[] files)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var (path, content) in files)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(content) });
        tar.Position = 0;
        return tar;
    }
}
