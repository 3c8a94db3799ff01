using Pipeline.Contracts;
using Pipeline.Evaluator.Prediction;
using Pipeline.Imaging;

namespace Pipeline.Tests.Evaluation;

public sealed class ImageFilesTests : IDisposable
{
    private static readonly PreprocessingSpec Preprocessing = new() { ImageSize = 16 };
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Files_become_exactly_the_pixels_the_shared_image_loader_makes_with_the_models_preprocessing()
    {
        var red = TestImageFiles.Solid(_folder.Combine("red.png"), 40, 30, TestImageFiles.Red);
        var halves = TestImageFiles.Save(TestImageFiles.Halves(30, 40, TestImageFiles.Red, TestImageFiles.Blue), _folder.Combine("halves.jpg"));

        var loaded = ImageFiles.Load([red, halves], Preprocessing, [1, 2]);

        Assert.Equal([red, halves], loaded.Paths);
        Assert.Equal([1, 2], loaded.Images.Labels);
        Assert.Empty(loaded.Errors);
        var loader = new ImageLoader(ImageLoadOptions.From(Preprocessing));
        var expected = new byte[loader.PixelBytes];
        Assert.True(loader.TryLoad(File.ReadAllBytes(halves), expected, out _));
        Assert.Equal(expected, loaded.Images.Image(1).ToArray());
        Assert.Equal((16, 16), (loaded.Images.Width, loaded.Images.Height));
    }

    [Fact]
    public void A_bad_missing_or_folder_path_is_reported_with_its_reason_and_the_rest_still_load()
    {
        var good = TestImageFiles.Solid(_folder.Combine("good.png"), 20, 20, TestImageFiles.Blue);
        var text = TestImageFiles.Bytes(_folder.Combine("notes.png"), "not a picture"u8.ToArray());
        var missing = _folder.Combine("missing.png");

        var loaded = ImageFiles.Load([text, missing, _folder.Path, good], Preprocessing);

        Assert.Equal([good], loaded.Paths);
        Assert.Equal([text, missing, _folder.Path], loaded.Errors.Select(error => error.Path));
        Assert.StartsWith("not an image", loaded.Errors[0].Error);
        Assert.Equal("the file does not exist", loaded.Errors[1].Error);
        Assert.Equal("it is a folder, not an image file", loaded.Errors[2].Error);
        Assert.Equal(1, loaded.Images.Count);
    }

    [Fact]
    public void A_FIFO_or_a_link_to_a_device_is_refused_without_waiting_or_reading_it()
    {
        var fifo = SpecialFiles.Fifo(_folder.Combine("pipe.jpg"));
        var zero = _folder.Combine("zero.jpg");
        File.CreateSymbolicLink(zero, "/dev/zero");

        var loaded = ImageFiles.Load([fifo, zero], Preprocessing);

        Assert.Empty(loaded.Paths);
        Assert.All(loaded.Errors, error => Assert.Contains("not a regular file", error.Error));
    }
}
