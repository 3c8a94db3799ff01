using Microsoft.AspNetCore.Mvc;
using Pipeline.Orchestrator.Api.Security;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Orchestrator.Api;

/// <summary>Datasets are named objects of the store: uploaded as a tar of an ImageFolder, then named in run specifications.</summary>
public static class DatasetsApi
{
    /// <summary>A dataset upload may be large; it streams into the store entry by entry.</summary>
    private const long MaxUploadBytes = 64L * 1024 * 1024 * 1024;

    private const string Kind = "dataset";

    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var datasets = app.MapGroup("/datasets");
        datasets.MapGet("/", ListAsync);
        datasets.MapGet("/{name}", GetAsync);
        datasets.MapPost("/", UploadAsync).WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes)).RequireAuthorization(ApiRoles.Submit);
        datasets.MapDelete("/{name}", DeleteAsync).RequireAuthorization(ApiRoles.Admin);
        return app;
    }

    /// <summary>Every uploaded dataset, by name, with its size; the index of each says the rest.</summary>
    private static async Task<IResult> ListAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        var datasets = new List<DatasetSummary>();
        await foreach (var key in store.ListAsync(ObjectKeys.DatasetsFolder, cancellationToken))
            if (ObjectKeys.DatasetOfIndex(key) is { } name)
            {
                var index = await store.GetJsonAsync<DatasetIndex>(key, cancellationToken);
                datasets.Add(new DatasetSummary(name, index.Classes.Count, index.Files.Count, index.Files.Sum(file => file.Size), index.CreatedAt));
            }
        return TypedResults.Ok(datasets);
    }

    /// <summary>The dataset's index (classes, files with their sha256): a client compares it with its folder to skip an upload.</summary>
    private static async Task<IResult> GetAsync(string name, IObjectStore store, CancellationToken cancellationToken)
    {
        if (!DatasetNames.IsValid(name))
            return NamedObjects.InvalidName(name, Kind);
        try
        {
            return TypedResults.Ok(await store.GetJsonAsync<DatasetIndex>(ObjectKeys.DatasetIndex(name), cancellationToken));
        }
        catch (ObjectNotFoundException)
        {
            return NamedObjects.NotFound(name, Kind);
        }
    }

    /// <summary><c>POST /datasets?name=NAME</c> with an <c>application/x-tar</c> body: one folder per class at the top of the archive.</summary>
    private static async Task<IResult> UploadAsync(string? name, HttpRequest request, IObjectStore store, CancellationToken cancellationToken)
    {
        if (!DatasetNames.IsValid(name))
            return NamedObjects.InvalidName(name, Kind);
        var upload = await TarDatasetImport.ImportAsync(store, name!, request.Body, cancellationToken);
        return TypedResults.Created($"/datasets/{name}", upload);
    }

    /// <summary>Removes the uploaded files; what was prepared from them goes with `pipeline gc` once no run needs it. A live run's dataset is 409.</summary>
    private static async Task<IResult> DeleteAsync(string name, IObjectStore store, RunStore runs, CancellationToken cancellationToken)
    {
        if (!DatasetNames.IsValid(name))
            return NamedObjects.InvalidName(name, Kind);
        var index = ObjectKeys.DatasetIndex(name);
        if (!await store.ExistsAsync(index, cancellationToken))
            return NamedObjects.NotFound(name, Kind);
        if (NamedObjects.InUse(runs, name, Kind, run => run.Spec.Dataset == name) is { } conflict)
            return conflict;
        // The index goes last: a delete that stops half-way leaves the dataset listed, and can be asked again.
        foreach (var key in await store.ListAsync(ObjectKeys.DatasetFolder(name), cancellationToken).Where(key => key != index).ToListAsync(cancellationToken))
            await store.DeleteAsync(key, cancellationToken);
        await store.DeleteAsync(index, cancellationToken);
        return TypedResults.NoContent();
    }
}
