using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Pipeline.Storage;

/// <summary>
/// The S3 requests the store signs itself (path-style, SigV4): ListObjectsV2, which the Minio SDK 7.0.0 cannot read
/// from every server, and multipart upload, whose parts the SDK does not expose (it cannot retry one part or abort an
/// upload). Errors surface as <see cref="S3ResponseException"/> through <see cref="S3ErrorResponseHandler"/>.
/// One attempt per call: retrying is the caller's business.
/// </summary>
public sealed class S3RestClient(HttpClient http, Uri endpoint, string bucket, AwsSigV4Signer signer, TimeProvider? clock = null)
{
    private static readonly UriCreationOptions RawUri = new() { DangerousDisablePathAndQueryCanonicalization = true };
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary><c>GET /bucket?list-type=2&amp;prefix=…&amp;max-keys=…[&amp;continuation-token=…]&amp;encoding-type=url</c>.</summary>
    public async Task<S3ListPage> ListObjectsV2Async(string prefix, string? continuationToken, int maxKeys, CancellationToken cancellationToken)
    {
        var query = new List<KeyValuePair<string, string>>
        {
            new("list-type", "2"),
            new("prefix", prefix),
            new("max-keys", maxKeys.ToString(CultureInfo.InvariantCulture)),
            new("encoding-type", "url"),
        };
        if (continuationToken is not null)
            query.Add(new("continuation-token", continuationToken));
        using var request = CreateRequest(HttpMethod.Get, key: null, query, ReadOnlyMemory<byte>.Empty, withBody: false);
        // A page (at most 1,000 keys) is read whole before it is parsed.
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return S3ListPage.Parse(body);
    }

    /// <summary>CreateMultipartUpload: <c>POST /bucket/key?uploads</c>; returns the upload id.</summary>
    public async Task<string> CreateMultipartUploadAsync(string key, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(HttpMethod.Post, key, [new("uploads", "")], ReadOnlyMemory<byte>.Empty, withBody: false);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var root = await ReadXmlAsync(response, request, cancellationToken).ConfigureAwait(false);
        return Child(root, "UploadId") is { Length: > 0 } uploadId
            ? uploadId
            : throw new InvalidDataException($"S3 started a multipart upload of '{key}' without giving an <UploadId>.");
    }

    /// <summary>UploadPart: <c>PUT /bucket/key?partNumber=N&amp;uploadId=…</c> with the part's SHA-256 signed; returns its ETag.</summary>
    public async Task<string> UploadPartAsync(string key, string uploadId, int partNumber, ReadOnlyMemory<byte> part, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(HttpMethod.Put, key,
            [new("partNumber", partNumber.ToString(CultureInfo.InvariantCulture)), new("uploadId", uploadId)], part, withBody: true);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Headers.ETag?.Tag
               ?? (response.Headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null)
               ?? throw new InvalidDataException($"S3 accepted part {partNumber} of '{key}' without an ETag.");
    }

    /// <summary>CompleteMultipartUpload: <c>POST /bucket/key?uploadId=…</c>. S3 may answer 200 with an &lt;Error&gt; body
    /// (it sends the status before it knows the outcome); that is an error here too.</summary>
    public async Task CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<(int PartNumber, string ETag)> parts, CancellationToken cancellationToken)
    {
        var xml = new StringBuilder();
        using (var writer = XmlWriter.Create(xml, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("CompleteMultipartUpload", "http://s3.amazonaws.com/doc/2006-03-01/");
            foreach (var (number, etag) in parts)
            {
                writer.WriteStartElement("Part");
                writer.WriteElementString("PartNumber", number.ToString(CultureInfo.InvariantCulture));
                writer.WriteElementString("ETag", etag);
                writer.WriteEndElement();
            }
            writer.WriteEndElement();
        }
        var body = Encoding.UTF8.GetBytes(xml.ToString());
        using var request = CreateRequest(HttpMethod.Post, key, [new("uploadId", uploadId)], body, withBody: true, contentType: "application/xml");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var root = await ReadXmlAsync(response, request, cancellationToken).ConfigureAwait(false);
        if (root.Name.LocalName == "Error")
            throw new S3ResponseException(response.StatusCode, Child(root, "Code"), Child(root, "Message"), Describe(request));
    }

    /// <summary>AbortMultipartUpload: <c>DELETE /bucket/key?uploadId=…</c> (frees the parts already stored).</summary>
    public async Task AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(HttpMethod.Delete, key, [new("uploadId", uploadId)], ReadOnlyMemory<byte>.Empty, withBody: false);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A signed request. The URL carries exactly the encoded path and query that were signed (no canonicalisation by <see cref="Uri"/>).</summary>
    internal HttpRequestMessage CreateRequest(HttpMethod method, string? key, IEnumerable<KeyValuePair<string, string>> query,
        ReadOnlyMemory<byte> body, bool withBody, string? contentType = null)
    {
        var path = "/" + AwsSigV4Signer.UriEncode(bucket) + (key is null ? "" : "/" + AwsSigV4Signer.UriEncode(key, keepSlash: true));
        var canonicalQuery = AwsSigV4Signer.CanonicalQueryString(query);
        var uri = new Uri($"{endpoint.Scheme}://{endpoint.Authority}{path}{(canonicalQuery.Length > 0 ? "?" + canonicalQuery : "")}", in RawUri);
        var payloadHash = withBody ? AwsSigV4Signer.PayloadHash(body.Span) : AwsSigV4Signer.EmptyPayloadHash;
        var now = _clock.GetUtcNow();
        var signed = new List<KeyValuePair<string, string>>
        {
            new("host", uri.Authority),
            new("x-amz-content-sha256", payloadHash),
            new("x-amz-date", AwsSigV4Signer.AmzDate(now)),
        };
        var request = new HttpRequestMessage(method, uri);
        foreach (var (name, value) in signed.Where(h => h.Key != "host"))
            request.Headers.TryAddWithoutValidation(name, value);
        if (withBody)
        {
            request.Content = new ReadOnlyMemoryContent(body);
            if (contentType is not null)
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        request.Headers.TryAddWithoutValidation("Authorization",
            signer.Authorization(now, method.Method, path, canonicalQuery, signed, payloadHash));
        return request;
    }

    private static async Task<XElement> ReadXmlAsync(HttpResponseMessage response, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = XmlReader.Create(body, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, Async = true });
        var document = await XDocument.LoadAsync(reader, LoadOptions.None, cancellationToken).ConfigureAwait(false);
        return document.Root ?? throw new InvalidDataException($"S3 answered {Describe(request)} with an empty XML document.");
    }

    private static string Describe(HttpRequestMessage request) => $"{request.Method} {request.RequestUri?.PathAndQuery}";

    private static string? Child(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;
}
