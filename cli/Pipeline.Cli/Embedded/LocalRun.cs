using Pipeline.Contracts;

namespace Pipeline.Cli.Embedded;

/// <summary>A run as the command line asks for it: the specification plus the local files it names.</summary>
/// <param name="DataDir">The ImageFolder, registered in this process under <c>Spec.Dataset</c>.</param>
/// <param name="WeightsFile">A local state_dict the spec names by its content (<c>store:</c>), copied into the store before the run starts.</param>
/// <param name="StoreFolder">Holds the objects and the run database.</param>
public sealed record LocalRun(RunSpec Spec, string DataDir, string? WeightsFile, string StoreFolder);
