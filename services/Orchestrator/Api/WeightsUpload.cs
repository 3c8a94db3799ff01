namespace Pipeline.Orchestrator.Api;

/// <param name="Weights">The reference to put in a specification's <c>training.weights</c>.</param>
public sealed record WeightsUpload(string Weights);
