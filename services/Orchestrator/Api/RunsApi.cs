using Pipeline.Contracts;
using Pipeline.Orchestrator.Api.Security;
using Pipeline.Orchestrator.Runs;
using Pipeline.Storage;

namespace Pipeline.Orchestrator.Api;

public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/runs");
        runs.MapPost("/", SubmitAsync).RequireAuthorization(ApiRoles.Submit);
        runs.MapGet("/", (RunStore store, int? limit) => TypedResults.Ok(store.List(Math.Clamp(limit ?? 50, 1, 500)).Select(RunView.Of)));
        runs.MapGet("/{id:guid}", Get);
        runs.MapPost("/{id:guid}/cancel", CancelAsync).RequireAuthorization(ApiRoles.Submit);
        runs.MapGet("/{id:guid}/events", Events);
        runs.MapGet("/{id:guid}/artifacts", ListArtifactsAsync);
        runs.MapGet("/{id:guid}/artifacts/{**path}", GetArtifactAsync);
        return app;
    }

    /// <summary>The run as it is now and its journal after event <paramref name="after"/>: what a client polls to follow a run.</summary>
    private static IResult Events(Guid id, RunStore store, long? after, int? limit) =>
        store.Find(id) is { } run
            ? TypedResults.Ok(new RunEventsPage(RunView.Of(run), store.Events(id, after ?? 0, Math.Clamp(limit ?? 500, 1, 5000))))
            : RunNotFound(id);

    /// <summary>Every object the run wrote, as paths relative to its folder (<c>trials/t1/report/report.html</c>).</summary>
    private static async Task<IResult> ListArtifactsAsync(Guid id, RunStore runs, IObjectStore objects, CancellationToken cancellationToken)
    {
        if (runs.Find(id) is null)
            return RunNotFound(id);
        var folder = ObjectKeys.RunFolder(id);
        var paths = new List<string>();
        await foreach (var key in objects.ListAsync(folder, cancellationToken))
            paths.Add(key[folder.Length..]);
        return TypedResults.Ok(paths);
    }

    private static async Task<IResult> GetArtifactAsync(Guid id, string path, RunStore runs, IObjectStore objects, CancellationToken cancellationToken)
    {
        if (runs.Find(id) is null)
            return RunNotFound(id);
        // The path is one object key below the run's folder: key rules forbid '..', so it cannot leave it.
        var key = ObjectKeys.RunFolder(id) + path;
        if (!ObjectKey.IsValid(key))
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad artifact path", detail: $"'{path}' is not a path inside the run.");
        try
        {
            return TypedResults.Stream(await objects.OpenReadAsync(key, cancellationToken), ContentTypes.Of(path));
        }
        catch (ObjectNotFoundException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Artifact not found", detail: $"Run {id} has no '{path}'.");
        }
    }

    private static async Task<IResult> SubmitAsync(RunSpec spec, RunCoordinator coordinator, CancellationToken cancellationToken)
    {
        if (spec.Validate() is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors);
        var run = await coordinator.SubmitAsync(Guid.NewGuid(), spec, cancellationToken);
        return TypedResults.Accepted($"/runs/{run!.Id}", RunView.Of(run));
    }

    private static IResult Get(Guid id, RunStore store) =>
        store.Find(id) is { } run ? TypedResults.Ok(RunView.Of(run)) : RunNotFound(id);

    private static async Task<IResult> CancelAsync(Guid id, RunCoordinator coordinator, CancellationToken cancellationToken) =>
        await coordinator.CancelAsync(id, cancellationToken) is { } run ? TypedResults.Accepted($"/runs/{id}", RunView.Of(run)) : RunNotFound(id);

    private static IResult RunNotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found", detail: $"No run with id {id}.");
}
