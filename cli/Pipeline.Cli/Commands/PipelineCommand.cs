using System.CommandLine;

namespace Pipeline.Cli.Commands;

public static class PipelineCommand
{
    public static RootCommand Create() =>
        new("Image-classification pipeline: turns a folder of labelled images into a trained, evaluated classifier " +
            "(ResNet transfer learning or fine-tuning, metrics and an HTML report).")
        {
            RunCommand.Create(),
            PredictCommand.Create(),
            EvaluateCommand.Create(),
            StatusCommand.Create(),
            WatchCommand.Create(),
            CancelCommand.Create(),
            ReportCommand.Create(),
            DatasetsCommand.Create(),
            ServeCommand.Create(),
            GcCommand.Create(),
            ClusterCommand.Create(),
            BenchCommand.Create(),
        };
}
