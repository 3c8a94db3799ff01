using System.CommandLine;
using System.Globalization;
using Pipeline.Cli.Benchmarks;
using Pipeline.Contracts;
using Pipeline.Imaging;
using Pipeline.Preprocessor.Preprocessing;

namespace Pipeline.Cli.Commands;

/// <summary>`pipeline bench preprocess`: the preprocessor's images per second per core, beside Pillow + torchvision on the same files.</summary>
public static class BenchPreprocessCommand
{
    private static readonly string[] Decoders = [.. Enum.GetNames<ImageDecoder>().Select(name => name.ToLowerInvariant())];

    public static Command Create()
    {
        var dataDir = new Argument<DirectoryInfo>("DIR") { Description = "An ImageFolder: one sub-folder of images per class (at least two classes of five images)." };
        var threads = new Option<int>("--threads")
        {
            Description = "Decoding threads of the pipeline, and worker processes of the peer (default: every core).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var decoder = new Option<string>("--decoder")
        {
            Description = "Which library decodes JPEGs: imagesharp (the default, as Pipeline:Preprocessor:Decoder) or skia (libjpeg-turbo, " +
                          "decoding large photos at 1/2 to 1/8 scale). Every other step is the same either way.",
            DefaultValueFactory = _ => Decoders[0],
        };
        decoder.AcceptOnlyFromAmong(Decoders);
        var chunkImages = new Option<int>("--chunk-images")
        {
            Description = "Files per chunk, as Pipeline:Preprocessor:ChunkImages (default 10000). A smaller value cuts DIR into chunks, prepared one " +
                          "after another here: what planning, assembling and partial shards per chunk cost over one preparation.",
            DefaultValueFactory = _ => PreprocessorOptions.Default.ChunkImages,
        };
        var peer = new Option<bool?>("--peer")
        {
            Description = $"Also time the Python peer (benchmarks/preprocess_peer.py: Pillow, RGB, resize, centre crop, ToTensor, Normalize; one " +
                          $"process per thread) on the same images, and report the ratio. Default: on when {PreprocessPeer.Python} has Pillow " +
                          "and torchvision; --peer false skips it.",
        };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object on stdout (images, imagesPerSecond, imagesPerSecondPerCore, phases, peakRssMb, decoder, threads, chunkImages, peer, ratio, error) instead of a table on stderr." };
        var command = new Command("preprocess",
            "Times the preprocessor's own code (list and hash, decode, EXIF orientation, resize, shards into a temporary store that is " +
            "deleted afterwards) on DIR's images, after a warm-up on a few of them, and the Python peer on the same images. Exit code " +
            "0 when measured, 1 when the peer failed, 2 for a usage error or a folder that cannot be prepared.")
        {
            dataDir, threads, decoder, chunkImages, peer, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var asJson = parse.GetValue(json);
            var folder = parse.GetRequiredValue(dataDir).FullName;
            var decoderName = parse.GetRequiredValue(decoder);
            var threadCount = parse.GetValue(threads);
            int Fail(string message, int exitCode) =>
                CommandOutput.Fail(asJson, BenchPreprocessJson.Rejected(folder, decoderName, threadCount, message), message, exitCode);

            if (threadCount < 1)
                return Fail("--threads must be at least 1.", ExitCodes.BadInput);
            var chunkSize = parse.GetValue(chunkImages);
            if (chunkSize < 1)
                return Fail("--chunk-images must be at least 1.", ExitCodes.BadInput);
            var peerSkipped = parse.GetValue(peer) == false ? "--peer false" : PreprocessPeer.Unavailable();
            if (parse.GetValue(peer) == true && peerSkipped is not null)
                return Fail($"--peer: {peerSkipped}.", ExitCodes.BadInput);

            var preprocessing = new PreprocessingSpec();
            PreprocessRun run;
            try
            {
                Progress(asJson, $"Preparing the images of {folder} with {threadCount} thread(s), decoder {decoderName}...");
                run = await new PreprocessBenchmark(folder, Enum.Parse<ImageDecoder>(decoderName, ignoreCase: true), threadCount, preprocessing, chunkSize).RunAsync(cancellationToken);
            }
            catch (PipelineException e)
            {
                return Fail($"DIR: {e.Message}", ExitCodes.BadInput);
            }

            PeerMeasurement? measured = null;
            if (peerSkipped is null)
            {
                try
                {
                    Progress(asJson, $"Preparing the same {run.Prepared.Count} images with the Python peer ({threadCount} process(es))...");
                    measured = PreprocessPeer.Measure(run.Prepared, threadCount, preprocessing.ImageSize);
                }
                catch (PipelineException e)
                {
                    return Fail(e.Message, ExitCodes.RunFailed);
                }
            }

            var perSecond = run.Prepared.Count / run.Seconds;
            var result = new BenchPreprocessJson(BenchPreprocessJson.CurrentSchemaVersion, folder, decoderName, threadCount, run.Prepared.Count, run.Quarantined,
                run.Seconds, perSecond, perSecond / threadCount, run.Phases, run.PeakRssMb, measured, perSecond / threadCount / measured?.ImagesPerSecondPerCore, peerSkipped, null, chunkSize);
            if (asJson)
                CommandOutput.Json(result);
            else
                PrintTable(result);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Progress(bool asJson, string message)
    {
        if (!asJson)
            Console.Error.WriteLine(message);
    }

    private static void PrintTable(BenchPreprocessJson result)
    {
        static string Row(string tool, int images, double seconds, double perSecond, double perCore, double peakRssMb) => string.Create(CultureInfo.InvariantCulture,
            $"{tool,-48} {images,8} {seconds,9:F2} {perSecond,10:F1} {perCore,15:F1} {peakRssMb,12:F0}");

        var error = Console.Error;
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"",-48} {"images",8} {"seconds",9} {"images/s",10} {"images/s/core",15} {"peak RSS MB",12}"));
        error.WriteLine(Row($"pipeline ({result.Decoder}, {result.Threads} threads, chunks of {result.ChunkImages})", result.Images, result.Seconds, result.ImagesPerSecond,
            result.ImagesPerSecondPerCore, result.PeakRssMb));
        if (result.Phases is { } phases)
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pipeline phases: list and hash {phases.ListSeconds:F2} s, decode {phases.DecodeSeconds:F2} s, write shards {phases.WriteSeconds:F2} s"));
        if (result.Peer is { } peer)
        {
            error.WriteLine(Row($"peer ({peer.Processes} processes)", peer.Images, peer.Seconds, peer.ImagesPerSecond, peer.ImagesPerSecondPerCore, peer.PeakRssMb));
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pipeline / peer, images per second per core: {result.Ratio:F2}x   (peer: {peer.Tool})"));
        }
        else
            error.WriteLine($"peer skipped: {result.PeerSkipped}");
        if (result.Quarantined > 0)
            error.WriteLine($"{result.Quarantined} file(s) quarantined (not counted)");
    }
}
