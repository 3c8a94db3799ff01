using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Orchestrator.Api;
using Pipeline.Orchestrator.Retention;

namespace Pipeline.Cli.Remote;

/// <summary>The orchestrator's HTTP API as the CLI uses it in server mode, calling with the key <see cref="ApiKeySource"/> finds.</summary>
/// <param name="apiKey">The key to call with; null for the one <see cref="ApiKeySource"/> finds.</param>
internal sealed class PipelineServer(Uri baseAddress, string? apiKey = null) : IDisposable
{
    private readonly HttpClient _http = Client(baseAddress, apiKey ?? ApiKeySource.Find());

    public Uri Address => baseAddress;

    /// <summary>Uploads the folder as the named dataset unless the server already holds exactly these files (same paths and sha256).</summary>
    /// <returns>What was uploaded, or null when nothing had to be.</returns>
    public async Task<DatasetUpload?> UploadDatasetAsync(string name, string folder, CancellationToken cancellationToken)
    {
        var listing = ImageFolder.Scan(name, folder, cancellationToken);
        if (await IndexAsync(name, cancellationToken) is { } index && SameFiles(index, listing))
            return null;
        using var content = new ImageFolderTarContent(folder, listing.Files);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await _http.PostAsync($"datasets?name={Uri.EscapeDataString(name)}", content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<DatasetUpload>(PipelineJson.Options, cancellationToken);
    }

    /// <summary>Uploads a weights file; returns the reference to put in the specification.</summary>
    public async Task<string> UploadWeightsAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        using var content = new StreamContent(file);
        using var response = await _http.PostAsync("weights", content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return json.RootElement.GetProperty("weights").GetString()!;
    }

    /// <summary>Submits a run; a specification the server refuses comes back as the errors by field.</summary>
    public async Task<(Guid? RunId, IReadOnlyDictionary<string, string[]>? Errors)> SubmitAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("runs", spec, PipelineJson.Options, cancellationToken);
        if (response.StatusCode != HttpStatusCode.BadRequest)
            await EnsureSuccessAsync(response, cancellationToken);
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        if (response.IsSuccessStatusCode)
            return (json.RootElement.GetProperty("runId").GetGuid(), null);
        if (json.RootElement.TryGetProperty("errors", out var errors))
            return (null, errors.Deserialize<Dictionary<string, string[]>>(PipelineJson.Options));
        throw new PipelineException($"The server refused the run ({(int)response.StatusCode}): {Detail(json.RootElement)}");
    }

    /// <summary>The run's journal after event <paramref name="after"/>, as contract messages, with the id to ask from next.</summary>
    public async Task<(IReadOnlyList<object> Events, long Last)> EventsAsync(Guid runId, long after, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"runs/{runId}/events?after={after}", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var events = new List<object>();
        var last = after;
        foreach (var entry in json.RootElement.GetProperty("events").EnumerateArray())
        {
            last = entry.GetProperty("id").GetInt64();
            // Types this client does not know (a newer server) are skipped, not fatal.
            if (typeof(SubmitRun).Assembly.GetType($"{typeof(SubmitRun).Namespace}.{entry.GetProperty("type").GetString()}") is { } type
                && entry.GetProperty("data").Deserialize(type, PipelineJson.Options) is { } message)
                events.Add(message);
        }
        return (events, last);
    }

    /// <summary>Asks for the run to be cancelled; returns it as it is afterwards.</summary>
    /// <exception cref="PipelineException">No such run, or a run that is over (what the server said).</exception>
    public async Task<RunView> CancelAsync(Guid runId, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync($"runs/{runId}/cancel", content: null, cancellationToken);
        return await ReadAsync<RunView>(response, cancellationToken);
    }

    /// <exception cref="PipelineException">No such run.</exception>
    public async Task<RunView> GetRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"runs/{runId}", cancellationToken);
        return await ReadAsync<RunView>(response, cancellationToken);
    }

    /// <summary>The newest runs, in <paramref name="state"/> when one is named.</summary>
    public async Task<RunsPage> ListRunsAsync(string? state, int limit, CancellationToken cancellationToken)
    {
        var query = $"runs?limit={limit}" + (state is null ? "" : $"&state={Uri.EscapeDataString(state)}");
        using var response = await _http.GetAsync(query, cancellationToken);
        return await ReadAsync<RunsPage>(response, cancellationToken);
    }

    /// <summary>Has the server remove what no run needs (<c>POST /gc</c>, admin key), or only say what it would with <paramref name="dryRun"/>.</summary>
    public async Task<CollectionReport> CollectAsync(bool dryRun, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync($"gc?dryRun={(dryRun ? "true" : "false")}", content: null, cancellationToken);
        return await ReadAsync<CollectionReport>(response, cancellationToken);
    }

    /// <summary>Downloads every artifact of the run under one of <paramref name="folders"/> (paths relative to the run's folder) into <paramref name="target"/>.</summary>
    public async Task DownloadAsync(Guid runId, IReadOnlyCollection<string> folders, string target, CancellationToken cancellationToken)
    {
        var paths = await _http.GetFromJsonAsync<string[]>($"runs/{runId}/artifacts", PipelineJson.Options, cancellationToken) ?? [];
        foreach (var path in paths.Where(path => folders.Any(folder => path.StartsWith(folder, StringComparison.Ordinal))))
        {
            var local = Path.Combine(target, path);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await using var source = await _http.GetStreamAsync($"runs/{runId}/artifacts/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}", cancellationToken);
            await using var file = File.Create(local);
            await source.CopyToAsync(file, cancellationToken);
        }
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient Client(Uri baseAddress, string? apiKey)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        if (apiKey is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    private async Task<DatasetIndex?> IndexAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"datasets/{Uri.EscapeDataString(name)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<DatasetIndex>(PipelineJson.Options, cancellationToken);
    }

    /// <summary>True when the server's index lists exactly the files of the listing, with the same content hashes.</summary>
    private static bool SameFiles(DatasetIndex index, DatasetListing listing)
    {
        if (index.Files.Count != listing.Files.Count || !index.Classes.SequenceEqual(listing.Classes))
            return false;
        var hashes = index.Files.ToDictionary(file => file.Path, file => file.Sha256, StringComparer.Ordinal);
        return listing.Files.All(file => hashes.GetValueOrDefault(file.RelativePath) == file.Sha256);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(PipelineJson.Options, cancellationToken)
               ?? throw new PipelineException($"{response.RequestMessage?.RequestUri} answered null.");
    }

    /// <summary>A failed call becomes an error that says what the server said (its problem details), for the user.</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            throw new PipelineException($"The server {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority)} wants an API key " +
                                        $"{(ApiKeySource.Find() is null ? "and none was found" : "and refused the one given")}: {ApiKeySource.Help}");
        if (response.StatusCode == HttpStatusCode.Forbidden)
            throw new PipelineException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: the API key's role may not do this; use a key with the submit or admin role.");
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string detail;
        try
        {
            using var json = JsonDocument.Parse(body);
            detail = Detail(json.RootElement);
        }
        catch (JsonException)
        {
            detail = body.Length > 300 ? body[..300] : body;
        }
        throw new PipelineException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} failed ({(int)response.StatusCode}): {detail}");
    }

    private static string Detail(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? ValidationErrors.Describe(errors.Deserialize<Dictionary<string, string[]>>(PipelineJson.Options)!)
        : problem.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } text ? text
        : problem.TryGetProperty("title", out var title) ? title.GetString() ?? "" : problem.ToString();
}
