using Pipeline.Datasets;
using Pipeline.Preprocessor.Preprocessing;
using Pipeline.Contracts;


namespace Pipeline.Tests.Preprocessing;

public sealed class StratifiedSplitterTests
{
    private static readonly string[] Classes = ["ant", "bee", "cat"];

    private static List<LabelledImage> Dataset(params int[] perClass) =>
        perClass.SelectMany((count, label) => Enumerable.Range(0, count).Select(i => new LabelledImage($"{Classes[label]}/img{i:D4}.jpg", label))).ToList();

    /// <summary>The split each relative path landed in.</summary>
    private static Dictionary<string, string> Assignments(IReadOnlyList<LabelledImage> images, int seed, SplitRatios? ratios = null) =>
        StratifiedSplitter.Split(images, Classes, ratios ?? SplitRatios.Default, seed)
            .SelectMany(split => split.Value.Select(i => (images[i].RelativePath, split.Key)))
            .ToDictionary(pair => pair.RelativePath, pair => pair.Key);

    [Theory]
    [InlineData(5, 3, 1, 1)]
    [InlineData(6, 4, 1, 1)]
    [InlineData(10, 7, 2, 1)]
    [InlineData(160, 112, 24, 24)]
    [InlineData(1000, 700, 150, 150)]
    public void Sizes_follow_the_percentages(int count, int train, int validation, int test)
    {
        Assert.Equal([train, validation, test], StratifiedSplitter.Sizes(count, SplitRatios.Default));
    }

    [Fact]
    public void Every_split_gets_an_image_of_every_class_with_five_or_more_whatever_the_ratios()
    {
        foreach (var ratios in new[] { SplitRatios.Default, new SplitRatios(98, 1, 1), new SplitRatios(1, 1, 98), new SplitRatios(34, 33, 33), new SplitRatios(90, 5, 5) })
            for (var count = StratifiedSplitter.MinImagesPerClass; count <= 300; count++)
            {
                var sizes = StratifiedSplitter.Sizes(count, ratios);
                Assert.Equal(count, sizes.Sum());
                Assert.All(sizes, size => Assert.True(size >= 1, $"{ratios} of {count}: {string.Join(",", sizes)}"));
            }
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        var images = Dataset(50, 30, 20);

        Assert.Equal(Assignments(images, 42), Assignments(images, 42));
        Assert.NotEqual(Assignments(images, 42), Assignments(images, 43));
    }

    [Fact]
    public void The_split_does_not_depend_on_input_order()
    {
        var images = Dataset(50, 30, 20);
        var shuffled = images.OrderBy(image => image.RelativePath.GetHashCode()).ToList();

        Assert.Equal(Assignments(images, 7), Assignments(shuffled, 7));
    }

    [Fact]
    public void Adding_a_file_moves_at_most_the_files_at_the_cuts_and_none_in_other_classes()
    {
        var before = Dataset(40, 25, 12);
        var after = before.Append(new LabelledImage("ant/new-photo.jpg", 0)).ToList();

        var old = Assignments(before, 42);
        var now = Assignments(after, 42);
        var moved = old.Where(pair => now[pair.Key] != pair.Value).Select(pair => pair.Key).ToList();

        Assert.True(moved.Count <= 2, $"moved: {string.Join(", ", moved)}");
        Assert.All(moved, path => Assert.StartsWith("ant/", path));
    }

    [Fact]
    public void Each_class_is_split_by_the_ratios()
    {
        var images = Dataset(100, 40, 17);
        var splits = StratifiedSplitter.Split(images, Classes, SplitRatios.Default, seed: 1);

        for (var label = 0; label < Classes.Length; label++)
        {
            var count = images.Count(image => image.Label == label);
            var expected = StratifiedSplitter.Sizes(count, SplitRatios.Default);
            var actual = DatasetSplits.All.Select(split => splits[split].Count(i => images[i].Label == label)).ToArray();
            Assert.Equal(expected, actual);
        }
        Assert.Equal(images.Count, splits.Values.Sum(split => split.Count));
        Assert.Equal(images.Count, splits.Values.SelectMany(split => split).Distinct().Count());
    }

    [Fact]
    public void Classes_are_interleaved_within_a_split()
    {
        var images = Dataset(100, 100, 100);
        var train = StratifiedSplitter.Split(images, Classes, SplitRatios.Default, seed: 3)[DatasetSplits.Train];

        Assert.True(train.Take(30).Select(i => images[i].Label).Distinct().Count() == Classes.Length);
    }

    [Fact]
    public void A_class_with_too_few_images_is_named_with_its_count()
    {
        var error = Assert.Throws<PipelineException>(() => StratifiedSplitter.Split(Dataset(10, 4, 0), Classes, SplitRatios.Default, 42));

        Assert.Contains("'bee' (4)", error.Message);
        Assert.Contains("'cat' (0)", error.Message);
        Assert.DoesNotContain("'ant'", error.Message);
    }

    [Fact]
    public void Identical_images_always_land_in_the_same_split()
    {
        // 60 images per class, in groups of 1 to 4 with the same content.
        var images = Enumerable.Range(0, 3).SelectMany(label => Enumerable.Range(0, 60)
            .Select(i => new LabelledImage($"{Classes[label]}/img{i:D4}.jpg", label, $"{label}-content-{i / (1 + i % 4)}"))).ToList();

        foreach (var seed in Enumerable.Range(0, 20))
        {
            var assignments = Assignments(images, seed);
            foreach (var group in images.GroupBy(image => image.Content))
                Assert.Single(group.Select(image => assignments[image.RelativePath]).Distinct());
            Assert.All(DatasetSplits.All, split => Assert.Contains(split, assignments.Values));
        }
    }
}
