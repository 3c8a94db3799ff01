using System.Diagnostics;

namespace Pipeline.Cli.Cluster;

/// <summary>A process this CLI just started: its record, and the handle that sees it exit while the CLI runs.</summary>
public sealed record LaunchedProcess(ProcessRecord Record, Process Process);
