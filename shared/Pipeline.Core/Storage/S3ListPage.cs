using System.Net;
using System.Xml;
using System.Xml.Linq;

namespace Pipeline.Storage;

/// <summary>
/// One page of a ListObjectsV2 answer. Parsed by local element names, ignoring namespaces, because servers differ:
/// AWS and MinIO use <c>http://s3.amazonaws.com/doc/2006-03-01/</c>, s3rver <c>http://doc.s3.amazonaws.com/2006-03-01/</c>
/// (which is why the Minio SDK's own ListObjects sees nothing on s3rver).
/// </summary>
public sealed record S3ListPage(IReadOnlyList<string> Keys, bool IsTruncated, string? NextContinuationToken)
{
    /// <summary>Reads a <c>ListBucketResult</c>. Keys are URL-decoded when the answer says
    /// <c>&lt;EncodingType&gt;url&lt;/EncodingType&gt;</c> (asked for, honoured by AWS and MinIO, ignored by s3rver).</summary>
    public static S3ListPage Parse(Stream xml)
    {
        using var reader = XmlReader.Create(xml, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        var root = XDocument.Load(reader).Root;
        if (root is null || root.Name.LocalName != "ListBucketResult")
            throw new InvalidDataException($"S3 answered a listing with <{root?.Name.LocalName}> instead of <ListBucketResult>.");
        var urlEncoded = string.Equals(Child(root, "EncodingType"), "url", StringComparison.OrdinalIgnoreCase);
        var keys = root.Elements()
            .Where(e => e.Name.LocalName == "Contents")
            .Select(contents => Child(contents, "Key") ?? throw new InvalidDataException("S3 listed an object without a <Key>."))
            .Select(key => urlEncoded ? WebUtility.UrlDecode(key) : key)
            .ToList();
        var truncated = string.Equals(Child(root, "IsTruncated"), "true", StringComparison.OrdinalIgnoreCase);
        var next = Child(root, "NextContinuationToken");
        return new S3ListPage(keys, truncated, string.IsNullOrEmpty(next) ? null : next);
    }

    private static string? Child(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;
}
