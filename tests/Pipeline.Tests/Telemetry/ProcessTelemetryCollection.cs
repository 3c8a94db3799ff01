namespace Pipeline.Tests.Telemetry;

/// <summary>
/// Tests that read what a host's OpenTelemetry providers collect: providers listen to meters and activity sources by
/// name, process-wide, so other tests' hosts coming and going at the same time would add, or take away, instruments and
/// spans. They run after all others, alone.
/// </summary>
[CollectionDefinition(nameof(ProcessTelemetryCollection), DisableParallelization = true)]
public sealed class ProcessTelemetryCollection;
