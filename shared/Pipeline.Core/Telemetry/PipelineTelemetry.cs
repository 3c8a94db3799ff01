using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pipeline.Telemetry;

/// <summary>
/// The pipeline's own trace source and meter (MassTransit's, ASP.NET Core's and HttpClient's spans join the same traces),
/// and the one way to start a span, so that every span carries the run, trial and stage it works for. Span and attribute
/// names are listed in docs/telemetry.md.
/// </summary>
public static class PipelineTelemetry
{
    public const string Name = "Pipeline";
    public const string RunIdTag = "pipeline.run_id";
    public const string TrialIdTag = "pipeline.trial_id";
    public const string StageTag = "pipeline.stage";

    public static readonly ActivitySource ActivitySource = new(Name);
    public static readonly Meter Meter = new(Name);

    private static readonly string[] RunTags = [RunIdTag, TrialIdTag, StageTag];

    /// <summary>
    /// Starts a span (null when no exporter listens), a child of <paramref name="parent"/> (a W3C <c>traceparent</c>) when
    /// given, else of the current span, whose run, trial and stage attributes it inherits.
    /// </summary>
    public static Activity? StartSpan(string name, ActivityKind kind = ActivityKind.Internal, string? parent = null)
    {
        var enclosing = Activity.Current;
        var span = parent is not null && ActivityContext.TryParse(parent, null, out var context)
            ? ActivitySource.StartActivity(name, kind, context)
            : ActivitySource.StartActivity(name, kind);
        return Inherit(span, enclosing);
    }

    /// <summary>Starts a span that works for <paramref name="runId"/> (and a trial, and a stage).</summary>
    public static Activity? StartRunSpan(string name, Guid runId, string? trialId = null, string? stage = null,
        ActivityKind kind = ActivityKind.Internal, string? parent = null)
    {
        var span = StartSpan(name, kind, parent);
        span?.SetTag(RunIdTag, runId.ToString());
        span?.SetTag(TrialIdTag, trialId);
        span?.SetTag(StageTag, stage);
        return span;
    }

    /// <summary>
    /// A span for work that already happened and was timed by its own clock (an epoch computed on libtorch's thread, a
    /// parallel decode): it starts <paramref name="took"/> ago, and ends when disposed.
    /// </summary>
    public static Activity? StartSpanThatBegan(string name, TimeSpan took, params (string Name, object? Value)[] tags)
    {
        var parent = Activity.Current;
        var span = Inherit(ActivitySource.StartActivity(name, ActivityKind.Internal, parent?.Context ?? default, startTime: DateTimeOffset.UtcNow - took), parent);
        foreach (var (tagName, value) in tags)
            span?.SetTag(tagName, value);
        return span;
    }

    /// <summary>Copies the run, trial and stage attributes of <paramref name="enclosing"/> onto <paramref name="span"/>.</summary>
    private static Activity? Inherit(Activity? span, Activity? enclosing)
    {
        if (span is not null && enclosing is not null)
            foreach (var tag in RunTags)
                if (enclosing.GetTagItem(tag) is { } value)
                    span.SetTag(tag, value);
        return span;
    }

    /// <summary>Marks the span failed with the exception (as an event), so trace viewers show it red with the reason.</summary>
    public static void Failed(this Activity? span, Exception exception)
    {
        span?.SetStatus(ActivityStatusCode.Error, exception.Message);
        span?.AddException(exception);
    }

    /// <summary>The trace id of a W3C <c>traceparent</c> (32 hex digits); null when there is none.</summary>
    public static string? TraceId(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context.TraceId.ToHexString() : null;

    /// <summary>
    /// A new trace's context for a run: the current span's when one is recording (the request or message that created the
    /// run), else a fresh one, so that a run always has a trace id even when nothing exports.
    /// </summary>
    public static string NewRunTraceParent() =>
        Activity.Current?.Id is { } current && Activity.Current.IdFormat == ActivityIdFormat.W3C
            ? current
            : $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
}
