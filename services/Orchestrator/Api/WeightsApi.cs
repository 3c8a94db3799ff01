using Microsoft.AspNetCore.Mvc;
using Pipeline.Contracts;
using Pipeline.Orchestrator.Api.Security;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;
using Pipeline.Weights;

namespace Pipeline.Orchestrator.Api;

/// <summary>
/// Weights files are objects of the store, named by their content (the sha256, which obeys the dataset names' rule); a
/// run specification names them <c>store:&lt;key&gt;</c>.
/// </summary>
public static class WeightsApi
{
    private const long MaxWeightsBytes = 4L * 1024 * 1024 * 1024;
    private const string Kind = "weights";

    public static IEndpointRouteBuilder MapWeightsApi(this IEndpointRouteBuilder app)
    {
        var weights = app.MapGroup("/weights");
        weights.MapGet("/", ListAsync);
        weights.MapPost("/", UploadAsync).WithMetadata(new RequestSizeLimitAttribute(MaxWeightsBytes)).RequireAuthorization(ApiRoles.Submit);
        weights.MapDelete("/{name}", DeleteAsync).RequireAuthorization(ApiRoles.Admin);
        return app;
    }

    private static async Task<IResult> ListAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        var weights = new List<WeightsSummary>();
        await foreach (var key in store.ListAsync(ObjectKeys.WeightsFolder, cancellationToken))
            if (ObjectKeys.WeightsName(key) is { } name)
                weights.Add(new WeightsSummary(name, WeightsReference.Store(key), await store.SizeAsync(key, cancellationToken)));
        return TypedResults.Ok(weights);
    }

    /// <summary>The body is a state_dict file; the answer is the reference to put in <c>training.weights</c>.</summary>
    private static async Task<IResult> UploadAsync(HttpRequest request, IObjectStore store, CancellationToken cancellationToken)
    {
        // The key is the content's hash, known only at the end: spool to a temp file that goes away with the request.
        var spool = Path.GetTempFileName();
        try
        {
            await using (var file = File.Create(spool))
                await request.Body.CopyToAsync(file, cancellationToken);
            return TypedResults.Ok(new WeightsUpload(await WeightsImport.ImportAsync(store, spool, cancellationToken)));
        }
        finally
        {
            File.Delete(spool);
        }
    }

    /// <summary>Removes a weights file that no live run uses (409 otherwise).</summary>
    private static async Task<IResult> DeleteAsync(string name, IObjectStore store, RunStore runs, CancellationToken cancellationToken)
    {
        if (!DatasetNames.IsValid(name))
            return NamedObjects.InvalidName(name, Kind);
        var key = ObjectKeys.Weights(name);
        if (!await store.ExistsAsync(key, cancellationToken))
            return NamedObjects.NotFound(name, Kind);
        var reference = WeightsReference.Store(key);
        if (NamedObjects.InUse(runs, name, Kind, run => run.Trials.Any(trial => trial.Training.Weights == reference)) is { } conflict)
            return conflict;
        await store.DeleteAsync(key, cancellationToken);
        return TypedResults.NoContent();
    }
}
