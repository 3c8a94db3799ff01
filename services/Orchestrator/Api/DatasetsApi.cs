using Microsoft.AspNetCore.Mvc;
using Pipeline.Orchestrator.Api.Security;
using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Storage;

namespace Pipeline.Orchestrator.Api;

/// <summary>Datasets are named objects of the store: uploaded as a tar of an ImageFolder, then named in run specifications.</summary>
public static class DatasetsApi
{
    /// <summary>A dataset upload may be large; it streams into the store entry by entry.</summary>
    private const long MaxUploadBytes = 64L * 1024 * 1024 * 1024;

    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var datasets = app.MapGroup("/datasets");
        datasets.MapGet("/{name}", GetAsync);
        datasets.MapPost("/", UploadAsync).WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes)).RequireAuthorization(ApiRoles.Submit);
        return app;
    }

    /// <summary>The dataset's index (classes, files with their sha256): a client compares it with its folder to skip an upload.</summary>
    private static async Task<IResult> GetAsync(string name, IObjectStore store, CancellationToken cancellationToken)
    {
        if (!DatasetNames.IsValid(name))
            return InvalidName(name);
        try
        {
            return TypedResults.Ok(await store.GetJsonAsync<DatasetIndex>(ObjectKeys.DatasetIndex(name), cancellationToken));
        }
        catch (ObjectNotFoundException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dataset not found", detail: $"No dataset named '{name}'.");
        }
    }

    /// <summary><c>POST /datasets?name=NAME</c> with an <c>application/x-tar</c> body: one folder per class at the top of the archive.</summary>
    private static async Task<IResult> UploadAsync(string? name, HttpRequest request, IObjectStore store, CancellationToken cancellationToken)
    {
        if (!DatasetNames.IsValid(name))
            return InvalidName(name);
        var upload = await TarDatasetImport.ImportAsync(store, name!, request.Body, cancellationToken);
        return TypedResults.Created($"/datasets/{name}", upload);
    }

    private static IResult InvalidName(string? name) => TypedResults.ValidationProblem(new Dictionary<string, string[]>
    {
        ["name"] = [$"'{name}' is not a dataset name: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most {DatasetNames.MaxLength}"],
    });
}
