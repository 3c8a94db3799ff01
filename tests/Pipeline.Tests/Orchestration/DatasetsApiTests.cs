using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Orchestrator.Api.Security;
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

    [Fact]
    public async Task Datasets_are_listed_with_their_sizes_and_only_an_admin_deletes_one_with_all_its_files()
    {
        using (var pets = Tar(("cats/a.png", [1, 2, 3]), ("dogs/b.png", [4, 5])))
            await Upload("pets", pets);
        using (var birds = Tar(("owls/a.png", [1]), ("crows/b.png", [2]), ("crows/c.png", [3])))
            await Upload("birds", birds);
        using var reader = _api.ClientWith(OrchestratorApi.Keys[ApiRoles.Read]);

        var listed = await reader.GetFromJsonAsync<JsonElement>("/datasets");
        var byReader = await reader.DeleteAsync("/datasets/pets");
        var deleted = await _api.Client.DeleteAsync("/datasets/pets");
        var again = await _api.Client.DeleteAsync("/datasets/pets");
        var invalid = await _api.Client.DeleteAsync("/datasets/Bad%20Name");

        Assert.Equal(["birds:2:3:3", "pets:2:2:5"], listed.EnumerateArray().Select(d =>
            $"{d.GetProperty("name").GetString()}:{d.GetProperty("classes").GetInt32()}:{d.GetProperty("files").GetInt32()}:{d.GetProperty("bytes").GetInt64()}"));
        Assert.Equal(HttpStatusCode.Forbidden, byReader.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await _api.Store.ListAsync("datasets/pets/").ToListAsync());
        Assert.NotEmpty(await _api.Store.ListAsync("datasets/birds/").ToListAsync());
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.True((await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Weights_are_listed_by_content_hash_and_only_an_admin_deletes_them()
    {
        byte[] content = [9, 8, 7, 6];
        var name = Convert.ToHexStringLower(SHA256.HashData(content));
        await _api.Client.PostAsync("/weights", new ByteArrayContent(content));
        using var reader = _api.ClientWith(OrchestratorApi.Keys[ApiRoles.Read]);

        var listed = await reader.GetFromJsonAsync<JsonElement>("/weights");
        var byReader = await reader.DeleteAsync($"/weights/{name}");
        var deleted = await _api.Client.DeleteAsync($"/weights/{name}");
        var again = await _api.Client.DeleteAsync($"/weights/{name}");
        var invalid = await _api.Client.DeleteAsync("/weights/UPPER");

        var only = Assert.Single(listed.EnumerateArray());
        Assert.Equal((name, $"store:weights/{name}.pth", 4L),
            (only.GetProperty("name").GetString(), only.GetProperty("weights").GetString(), only.GetProperty("bytes").GetInt64()));
        Assert.Equal(HttpStatusCode.Forbidden, byReader.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(await _api.Store.ExistsAsync($"weights/{name}.pth"));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.True((await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task A_dataset_or_weights_file_that_a_live_run_uses_is_not_deleted()
    {
        using (var pets = Tar(("cats/a.png", [1]), ("dogs/b.png", [2])))
            await Upload("pets", pets);
        var weights = (await (await _api.Client.PostAsync("/weights", new ByteArrayContent([1, 2, 3]))).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("weights").GetString()!;
        // No stage runs in this host: the run stays live, preparing its dataset.
        var submitted = await _api.Client.PostAsJsonAsync("/runs", new { dataset = "pets", training = new { backbone = "resnet18", weights } });

        var dataset = await _api.Client.DeleteAsync("/datasets/pets");
        var weightsFile = await _api.Client.DeleteAsync($"/weights/{ObjectKeys.WeightsName(WeightsReference.StoreKey(weights)!)}");

        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, dataset.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, weightsFile.StatusCode);
        Assert.True(await _api.Store.ExistsAsync(ObjectKeys.DatasetFile("pets", "cats/a.png")));
        Assert.True(await _api.Store.ExistsAsync(WeightsReference.StoreKey(weights)!));
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
