namespace Pipeline.Cli.Commands;

/// <param name="Probability">Softmax probability, 0..1, rounded to 6 decimals.</param>
public sealed record ClassProbability(string Class, double Probability);
