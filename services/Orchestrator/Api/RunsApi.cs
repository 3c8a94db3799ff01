using MassTransit;
using Pipeline.Orchestrator.Runs;
using Pipeline.Contracts;

namespace Pipeline.Orchestrator.Api;

public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/runs");
        runs.MapPost("/", SubmitAsync);
        runs.MapGet("/", (RunStore store, int? limit) => TypedResults.Ok(store.List(Math.Clamp(limit ?? 50, 1, 500)).Select(RunView.Of)));
        runs.MapGet("/{id:guid}", Get);
        runs.MapPost("/{id:guid}/cancel", CancelAsync);
        return app;
    }

    private static async Task<IResult> SubmitAsync(RunSpec spec, RunCoordinator coordinator, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        if (spec.Validate() is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors);
        var run = await coordinator.SubmitAsync(Guid.NewGuid(), spec, publisher, cancellationToken);
        return TypedResults.Accepted($"/runs/{run!.Id}", RunView.Of(run));
    }

    private static IResult Get(Guid id, RunStore store) =>
        store.Find(id) is { } run ? TypedResults.Ok(RunView.Of(run)) : RunNotFound(id);

    private static async Task<IResult> CancelAsync(Guid id, RunCoordinator coordinator, IPublishEndpoint publisher, CancellationToken cancellationToken) =>
        await coordinator.CancelAsync(id, publisher, cancellationToken) is { } run ? TypedResults.Accepted($"/runs/{id}", RunView.Of(run)) : RunNotFound(id);

    private static IResult RunNotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found", detail: $"No run with id {id}.");
}
