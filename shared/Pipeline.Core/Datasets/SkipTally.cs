using Pipeline.Contracts;

namespace Pipeline.Datasets;

/// <summary>Counts what an ImageFolder leaves out, by the rules of <see cref="ImageFolder.Classify"/>, wherever its files come from.</summary>
internal sealed class SkipTally
{
    private int _hidden;
    private int _notImages;
    private int _aliases;

    /// <summary>True when the file is a candidate image; otherwise counts why it is not.</summary>
    public bool Admit(string relativePath)
    {
        switch (ImageFolder.Classify(relativePath))
        {
            case FileKind.Hidden:
                _hidden++;
                return false;
            case FileKind.NotImage:
                _notImages++;
                return false;
            default:
                return true;
        }
    }

    public void Hidden() => _hidden++;

    public void NotImage() => _notImages++;

    public void Alias() => _aliases++;

    public SkippedFiles Skipped(IReadOnlyList<IgnoredFolder>? folders = null) => new(_hidden, _notImages) { Aliases = _aliases, Folders = folders ?? [] };
}
