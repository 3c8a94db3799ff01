using System.CommandLine;
using Pipeline.Contracts;
using Pipeline.ModelZoo.Classification;

namespace Pipeline.Cli.Commands;

/// <summary>What `predict` and `evaluate` share: MODEL, --store, --batch-size and --json, and loading the model they name.</summary>
internal sealed class ModelOptions
{
    public Argument<string> Model { get; } = new("MODEL") { Description = ModelArgument.Description };

    public Option<DirectoryInfo> Store { get; } = new("--store")
    {
        Description = "The store that run:<id> is looked up in.",
        DefaultValueFactory = _ => new DirectoryInfo(".pipeline"),
    };

    public Option<int> BatchSize { get; } = new("--batch-size")
    {
        Description = "Images per forward pass (the evaluator's default); results do not depend on it beyond floating-point rounding.",
        DefaultValueFactory = _ => new EvaluationSpec().BatchSize,
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print exactly one JSON object on stdout (errors and the summary go to stderr)." };

    /// <summary>Adds the options (MODEL is the command's first argument, added by the command itself).</summary>
    public void AddOptionsTo(Command command)
    {
        command.Options.Add(Store);
        command.Options.Add(BatchSize);
        command.Options.Add(Json);
    }

    /// <returns>The classifier and its file, or null and what the user should do (a usage error).</returns>
    public async Task<(ImageClassifier? Classifier, string Path, string? Problem)> LoadAsync(ParseResult parse)
    {
        if (parse.GetValue(BatchSize) < 1)
            return (null, "", "--batch-size must be at least 1.");
        var (path, problem) = await ModelArgument.ResolveAsync(parse.GetRequiredValue(Model), parse.GetValue(Store)!.FullName);
        if (path is null)
            return (null, "", problem);
        try
        {
            await using var file = File.OpenRead(path);
            return (ImageClassifier.Load(file), path, null);
        }
        catch (PipelineException e)
        {
            return (null, path, $"MODEL: {path}: {e.Message}");
        }
    }
}
