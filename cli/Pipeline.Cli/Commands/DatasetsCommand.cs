using System.CommandLine;
using Pipeline.Preprocessor.Datasets;

namespace Pipeline.Cli.Commands;

public static class DatasetsCommand
{
    public static Command Create()
    {
        var outDir = new Argument<DirectoryInfo>("OUT_DIR") { Description = "Folder to write the ImageFolder into (one sub-folder per class)." };
        var perClass = new Option<int?>("--per-class") { Description = "Images per class (the first N of the training set); all when omitted." };
        var fashionMnist = new Command("fashion-mnist",
            "Writes Fashion-MNIST (from Debian's dataset-fashion-mnist package) as an ImageFolder of PNGs.") { outDir, perClass };
        fashionMnist.SetAction(parse =>
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
        return new Command("datasets", "Prepares public datasets as ImageFolders for `pipeline run`.") { fashionMnist };
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return ExitCodes.BadInput;
    }
}
