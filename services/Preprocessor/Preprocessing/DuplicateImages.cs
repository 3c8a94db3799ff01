using Pipeline.Contracts;
using Pipeline.Datasets;
using Pipeline.Imaging;

namespace Pipeline.Preprocessor.Preprocessing;

/// <summary>
/// Files of a listing with identical content. Under two classes, one image would carry two labels: every copy outside
/// the first one's class is a label conflict. Within a class, copies are kept but must share a split, or the test
/// split would score images the model trained on.
/// </summary>
/// <param name="LabelConflicts">Problems by index into the listing's files.</param>
/// <param name="Groups">Paths of identical files kept in one class, two or more per group.</param>
public sealed record DuplicateImages(IReadOnlyDictionary<int, ImageProblem> LabelConflicts, IReadOnlyList<IReadOnlyList<string>> Groups)
{
    public static DuplicateImages Find(DatasetListing listing)
    {
        var conflicts = new Dictionary<int, ImageProblem>();
        var groups = new List<IReadOnlyList<string>>();
        foreach (var copies in Enumerable.Range(0, listing.Files.Count).GroupBy(i => listing.Files[i].Sha256).Where(g => g.Count() > 1))
        {
            var first = listing.Files[copies.First()]; // files come in (label, path) order
            foreach (var other in copies.Where(i => listing.Files[i].Label != first.Label))
                conflicts[other] = new ImageProblem(QuarantineCodes.LabelConflict,
                    $"the same content as '{first.RelativePath}' in class '{listing.Classes[first.Label]}': an image cannot have two labels; delete the copy in the wrong class");
            var kept = copies.Where(i => listing.Files[i].Label == first.Label).Select(i => listing.Files[i].RelativePath).ToArray();
            if (kept.Length > 1)
                groups.Add(kept);
        }
        return new DuplicateImages(conflicts, groups);
    }
}
