using System.CommandLine;
using Pipeline.Cli.Remote;
using Pipeline.Preprocessor.Datasets;

namespace Pipeline.Cli.Commands;

public static class DatasetsCommand
{
    public static Command Create() =>
        new("datasets", "Prepares public datasets as ImageFolders, and uploads ImageFolders to a pipeline server.") { FashionMnistCommand(), UploadCommand() };

    private static Command FashionMnistCommand()
    {
        var outDir = new Argument<DirectoryInfo>("OUT_DIR") { Description = "Folder to write the ImageFolder into (one sub-folder per class)." };
        var perClass = new Option<int?>("--per-class") { Description = "Images per class (the first N of the training set); all when omitted." };
        var command = new Command("fashion-mnist",
            "Writes Fashion-MNIST (from Debian's dataset-fashion-mnist package) as an ImageFolder of PNGs.") { outDir, perClass };
        command.SetAction(parse =>
        {
            if (parse.GetValue(perClass) is < 1)
                return Fail("--per-class must be at least 1.");
            try
            {
                var result = FashionMnist.Export(parse.GetRequiredValue(outDir).FullName, parse.GetValue(perClass));
                Console.Error.WriteLine($"Wrote {result.Total} images in {result.Classes.Count} classes to {result.OutDir}");
                return ExitCodes.Success;
            }
            catch (PipelineException e)
            {
                return Fail(e.Message);
            }
        });
        return command;
    }

    private static Command UploadCommand()
    {
        var dataDir = new Argument<DirectoryInfo>("DATA_DIR") { Description = "An ImageFolder: one sub-folder of images per class." };
        var name = new Argument<string>("NAME") { Description = "The dataset's name on the server: lower-case letters, digits, '.', '_' and '-'." };
        var server = new Option<string?>("--server")
        {
            Description = "The pipeline server's API URL (also PIPELINE_SERVER).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PIPELINE_SERVER"),
        };
        var command = new Command("upload",
            "Uploads DATA_DIR to a pipeline server as dataset NAME, unless the server already holds the same files.") { dataDir, name, server };
        command.SetAction(async parse =>
        {
            if (!Uri.TryCreate(parse.GetValue(server), UriKind.Absolute, out var url))
                return Fail("--server (or PIPELINE_SERVER) must be the server's API URL, e.g. http://127.0.0.1:8080.");
            try
            {
                using var client = new PipelineServer(url);
                var upload = await client.UploadDatasetAsync(parse.GetRequiredValue(name), parse.GetRequiredValue(dataDir).FullName, CancellationToken.None);
                Console.Error.WriteLine(upload is null
                    ? $"The server already holds these files as '{parse.GetRequiredValue(name)}'; nothing uploaded."
                    : $"Uploaded {upload.Files} images as '{upload.Name}' ({upload.UploadedBytes / 1048576.0:F1} MiB).");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is PipelineException or HttpRequestException)
            {
                return Fail(e.Message);
            }
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return ExitCodes.BadInput;
    }
}
