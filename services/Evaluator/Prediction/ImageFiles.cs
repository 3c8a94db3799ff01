using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Imaging;

namespace Pipeline.Evaluator.Prediction;

/// <summary>
/// Image files from disk made into model input exactly as the preprocessor made the training images: the shared
/// <see cref="ImageLoader"/> with the preprocessing options recorded in the model file. A bad file is reported, never fatal.
/// </summary>
public static class ImageFiles
{
    /// <param name="labels">The true label of each file (for scoring); all 0 when null.</param>
    public static LoadedImages Load(IReadOnlyList<string> paths, PreprocessingSpec preprocessing, IReadOnlyList<int>? labels = null, CancellationToken cancellationToken = default)
    {
        var loader = new ImageLoader(ImageLoadOptions.From(preprocessing));
        var pixels = new byte[(long)paths.Count * loader.PixelBytes];
        var loadedLabels = new List<int>();
        var loadedPaths = new List<string>();
        var errors = new List<ImageFileError>();
        for (var i = 0; i < paths.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slot = pixels.AsSpan(loadedPaths.Count * loader.PixelBytes, loader.PixelBytes);
            if (Read(paths[i], out var bytes) is { } readProblem)
                errors.Add(new ImageFileError(paths[i], readProblem));
            else if (!loader.TryLoad(bytes!, slot, out var problem))
                errors.Add(new ImageFileError(paths[i], problem.Message));
            else
            {
                loadedPaths.Add(paths[i]);
                loadedLabels.Add(labels?[i] ?? 0);
            }
        }
        var images = new SplitImages(pixels[..(loadedPaths.Count * loader.PixelBytes)], [.. loadedLabels], preprocessing.ImageSize, preprocessing.ImageSize);
        return new LoadedImages(images, loadedPaths, errors);
    }

    /// <returns>Why the file cannot be read, or null with its bytes.</returns>
    private static string? Read(string path, out byte[]? bytes)
    {
        bytes = null;
        if (Directory.Exists(path))
            return "it is a folder, not an image file";
        if (!File.Exists(path))
            return "the file does not exist";
        try
        {
            bytes = RegularFiles.ReadAllBytes(path, ImageLoadOptions.DefaultMaxFileBytes);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the file could not be read: {e.Message}";
        }
    }
}
