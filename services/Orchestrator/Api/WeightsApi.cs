using Microsoft.AspNetCore.Mvc;
using Pipeline.Orchestrator.Api.Security;
using Pipeline.Storage;
using Pipeline.Weights;

namespace Pipeline.Orchestrator.Api;

/// <summary>Weights files are objects of the store, named by their content; a run specification names them <c>store:&lt;key&gt;</c>.</summary>
public static class WeightsApi
{
    private const long MaxWeightsBytes = 4L * 1024 * 1024 * 1024;

    public static IEndpointRouteBuilder MapWeightsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/weights", UploadAsync).WithMetadata(new RequestSizeLimitAttribute(MaxWeightsBytes)).RequireAuthorization(ApiRoles.Submit);
        return app;
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
}
