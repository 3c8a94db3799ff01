using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pipeline.Hosting;

/// <summary>The pipeline's own trace source and meter; MassTransit's spans join the same traces.</summary>
public static class PipelineTelemetry
{
    public const string Name = "Pipeline";
    public static readonly ActivitySource ActivitySource = new(Name);
    public static readonly Meter Meter = new(Name);
}
