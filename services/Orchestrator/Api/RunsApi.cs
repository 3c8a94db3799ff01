using System.Globalization;
using System.Security.Claims;
using Pipeline.Contracts;
using Pipeline.Orchestrator.Api.Events;
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
        runs.MapGet("/", List);
        runs.MapGet("/{id:guid}", Get);
        runs.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(ApiRoles.Admin);
        runs.MapPost("/{id:guid}/cancel", CancelAsync).RequireAuthorization(ApiRoles.Submit);
        runs.MapGet("/{id:guid}/events", Events);
        runs.MapGet("/{id:guid}/artifacts", ListArtifactsAsync);
        runs.MapGet("/{id:guid}/artifacts/{**path}", GetArtifactAsync);
        return app;
    }

    private const int DefaultPageSize = 50, MaxPageSize = 500;

    /// <summary><c>GET /runs?state=&amp;limit=&amp;cursor=</c>: runs newest first, a page at a time.</summary>
    private static IResult List(RunStore store, string? state, string? limit, string? cursor)
    {
        var errors = new ValidationErrors();
        var only = Enum.GetValues<RunState>().Cast<RunState?>().FirstOrDefault(value => string.Equals(value.ToString(), state, StringComparison.OrdinalIgnoreCase));
        errors.AddIf(state is not null && only is null, "state", $"must be one of {string.Join(", ", Enum.GetNames<RunState>())}");
        var size = DefaultPageSize;
        if (limit is not null)
            errors.AddIf(!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize, "limit",
                $"must be a whole number from 1 to {MaxPageSize}");
        var after = cursor is null ? null : RunCursor.Decode(cursor);
        errors.AddIf(cursor is not null && after is null, "cursor", "is not a cursor this API gave out: pass nextCursor from the previous page as it is");
        if (!errors.IsEmpty)
            return TypedResults.ValidationProblem(errors.ToDictionary());
        // One more than the page: whether there is a next page, without a count.
        var found = store.List(size + 1, only, after);
        var page = found.Take(size).ToList();
        return TypedResults.Ok(new RunsPage(page.Select(RunView.Of).ToList(), found.Count > size ? RunCursor.Encode(page[^1].CreatedAt, page[^1].Id) : null));
    }

    /// <summary>
    /// The run's journal after event <paramref name="after"/>: Server-Sent Events for a client that accepts them, else the
    /// run as it is now and a page of its journal, which a client polls.
    /// </summary>
    private static IResult Events(Guid id, HttpContext context, RunStore store, RunEventStream stream, long? after, int? limit)
    {
        if (store.Find(id) is not { } run)
            return RunNotFound(id);
        if (!RunEventStream.IsWanted(context.Request))
            return TypedResults.Ok(new RunEventsPage(RunView.Of(run), store.Events(id, after ?? 0, Math.Clamp(limit ?? 500, 1, 5000))));
        return RunEventStream.StartAfter(context.Request, after) is { } start
            ? stream.Open(context, id, start)
            : TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [RunEventStream.LastEventIdHeader] = ["must be the id of an event this stream sent (a whole number)"],
            });
    }

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

    private static async Task<IResult> SubmitAsync(RunSpec spec, HttpRequest request, ClaimsPrincipal caller, RunCoordinator coordinator, RunStore runs,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        // Judged before an idempotency key is claimed, so that a rejected body never holds one.
        if (coordinator.Check(spec) is { Count: > 0 } errors)
            return TypedResults.ValidationProblem(errors);
        var runId = Guid.NewGuid();
        if (request.Headers.TryGetValue(IdempotentSubmission.Header, out var keys))
        {
            var key = keys.Count == 1 ? keys[0] ?? "" : "";
            if ((keys.Count == 1 ? IdempotentSubmission.Problem(key) : "give one key") is { } problem)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [IdempotentSubmission.Header] = [problem] });
            switch (IdempotentSubmission.Claim(runs, caller, key, spec, clock.GetUtcNow()))
            {
                case null:
                    return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused",
                        detail: $"The {IdempotentSubmission.Header} '{key}' was used within {IdempotentSubmission.Lifetime.TotalHours:0} hours for another run specification; use a new key for a new run.");
                case { Replayed: true } replay:
                    return TypedResults.Ok(RunView.Of(runs.Find(replay.RunId)!));
                case { } claim:
                    runId = claim.RunId;
                    break;
            }
        }
        var run = await coordinator.SubmitAsync(runId, spec, cancellationToken);
        return TypedResults.Accepted($"/runs/{run!.Id}", RunView.Of(run));
    }

    private static IResult Get(Guid id, RunStore store) =>
        store.Find(id) is { } run ? TypedResults.Ok(RunView.Of(run)) : RunNotFound(id);

    private static async Task<IResult> CancelAsync(Guid id, RunStore store, RunCoordinator coordinator, CancellationToken cancellationToken)
    {
        if (store.Find(id) is not { } run)
            return RunNotFound(id);
        if (run.State.IsFinal())
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Run is over", detail: $"Run {run.Id:N} is {run.State}; only a live run can be cancelled.");
        return await coordinator.CancelAsync(id, cancellationToken) is { } cancelled ? TypedResults.Accepted($"/runs/{id}", RunView.Of(cancelled)) : RunNotFound(id);
    }

    /// <summary>Removes a run that is over, with everything it stored (reports, models, checkpoints); a live run must be cancelled first (409).</summary>
    private static async Task<IResult> DeleteAsync(Guid id, RunStore store, IObjectStore objects, CancellationToken cancellationToken)
    {
        if (store.Find(id) is not { } run)
            return RunNotFound(id);
        if (!run.State.IsFinal() && run.State != RunState.Interrupted)
            return Live(run);
        var keys = new List<string>();
        await foreach (var key in objects.ListAsync(ObjectKeys.RunFolder(id), cancellationToken))
            keys.Add(key);
        foreach (var key in keys)
            await objects.DeleteAsync(key, cancellationToken);
        // The row goes last: a delete that stops half-way can be asked again.
        return store.TryDeleteFinal(id) ? TypedResults.NoContent() : Live(store.Find(id) ?? run);
    }

    private static IResult Live(RunRecord run) => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Run is live",
        detail: $"Run {run.Id:N} is {run.State}; cancel it (POST /runs/{run.Id:N}/cancel) and delete it once it has ended.");

    private static IResult RunNotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found", detail: $"No run with id {id}.");
}
