using System.Formats.Tar;
using System.Net;
using Pipeline.Datasets;

namespace Pipeline.Cli.Remote;

/// <summary>
/// An ImageFolder's candidate images as a tar stream, written straight into the request (chunked): nothing is packed
/// on disk or in memory first. Every file goes as a regular entry under its path relative to the folder.
/// </summary>
internal sealed class ImageFolderTarContent(string folder, IReadOnlyList<DatasetFile> files) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await using var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var file in files)
        {
            await using var content = ImageFolder.OpenFile(folder, file);
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, file.RelativePath) { DataStream = content });
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
