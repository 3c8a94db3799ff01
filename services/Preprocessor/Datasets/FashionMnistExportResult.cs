namespace Pipeline.Preprocessor.Datasets;

/// <summary>What <see cref="FashionMnist.Export"/> wrote: an ImageFolder with <paramref name="ImagesPerClass"/>[label] PNGs per class.</summary>
public sealed record FashionMnistExportResult(string OutDir, IReadOnlyList<string> Classes, IReadOnlyList<int> ImagesPerClass)
{
    public int Total => ImagesPerClass.Sum();
}
