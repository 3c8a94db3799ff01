using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Datasets;
using Pipeline.Contracts;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>
/// Deterministic stratified train/validation/test split. Each class is ordered by a seeded hash of the file's content
/// (or relative path) and cut by the split percentages, so a file's place depends only on itself: adding a file moves
/// others only through the cut positions. Identical images sort together and a cut never falls between them, so no
/// image is both trained on and tested.
/// </summary>
public static class StratifiedSplitter
{
    /// <summary>The fewest usable images a class may have, so that every split sees it at least once.</summary>
    public const int MinImagesPerClass = 5;

    /// <summary>Indices into <paramref name="images"/> per split (keyed by <see cref="DatasetSplits"/> names), classes interleaved in hash order.</summary>
    /// <exception cref="PipelineException">A class has fewer than <see cref="MinImagesPerClass"/> images.</exception>
    public static IReadOnlyDictionary<string, IReadOnlyList<int>> Split(IReadOnlyList<LabelledImage> images, IReadOnlyList<string> classes, SplitRatios ratios, int seed)
    {
        var keys = images.Select(image => OrderKey(seed, image.Content ?? image.RelativePath)).ToArray();
        Comparison<int> byKey = (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : string.CompareOrdinal(images[a].RelativePath, images[b].RelativePath);

        var byClass = Enumerable.Range(0, images.Count).GroupBy(i => images[i].Label).ToDictionary(g => g.Key, g => g.ToList());
        RequireEnoughImages(classes, Enumerable.Range(0, classes.Count).Select(label => byClass.GetValueOrDefault(label)?.Count ?? 0).ToArray());

        var splits = DatasetSplits.All.ToDictionary(name => name, _ => new List<int>());
        foreach (var members in byClass.Values)
        {
            members.Sort(byKey);
            var sizes = Sizes(members.Count, ratios);
            var start = 0;
            var cut = 0;
            for (var s = 0; s < sizes.Length; s++)
            {
                cut += sizes[s];
                var end = Math.Max(start, cut);
                while (end > 0 && end < members.Count && keys[members[end]] == keys[members[end - 1]])
                    end++; // identical images stay on one side
                splits[DatasetSplits.All[s]].AddRange(members.GetRange(start, end - start));
                start = end;
            }
        }
        foreach (var split in splits.Values)
            split.Sort(byKey);
        return splits.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<int>)pair.Value);
    }

    /// <summary>Checks that every class has at least <see cref="MinImagesPerClass"/> images (<paramref name="counts"/> by label).</summary>
    /// <exception cref="PipelineException">A class has fewer.</exception>
    public static void RequireEnoughImages(IReadOnlyList<string> classes, IReadOnlyList<int> counts)
    {
        var tooSmall = Enumerable.Range(0, classes.Count).Where(label => counts[label] < MinImagesPerClass).ToArray();
        if (tooSmall.Length > 0)
            throw new PipelineException(
                $"Each class needs at least {MinImagesPerClass} usable images so that training, validation and test all see it; " +
                $"too few in {string.Join(", ", tooSmall.Select(label => $"'{classes[label]}' ({counts[label]})"))}. Add images or remove the folder.");
    }

    /// <summary>
    /// How many of <paramref name="count"/> images go to train, validation and test: largest-remainder rounding of the
    /// percentages, then any empty split takes one image from the largest, so every split is non-empty when count >= 3.
    /// </summary>
    public static int[] Sizes(int count, SplitRatios ratios)
    {
        int[] percents = [ratios.Train, ratios.Validation, ratios.Test];
        var sizes = percents.Select(p => count * p / 100).ToArray();
        var leftover = count - sizes.Sum();
        var byRemainder = Enumerable.Range(0, 3).OrderByDescending(s => count * percents[s] % 100).ThenBy(s => s).ToArray();
        for (var k = 0; k < leftover; k++)
            sizes[byRemainder[k]]++;
        for (var s = 0; s < sizes.Length; s++)
        {
            if (sizes[s] > 0 || count < sizes.Length)
                continue;
            sizes[Array.IndexOf(sizes, sizes.Max())]--;
            sizes[s]++;
        }
        return sizes;
    }

    private static ulong OrderKey(int seed, string identity) =>
        BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\n{identity}")));
}
