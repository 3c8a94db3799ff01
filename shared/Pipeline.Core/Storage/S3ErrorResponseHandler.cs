using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Pipeline.Storage;

/// <summary>
/// Turns every S3 answer with a status of 300 or more into an <see cref="S3ResponseException"/> before the Minio SDK
/// sees it. The SDK 7.0.0 maps errors loosely (e.g. a 5xx without a body becomes a generic exception, and a GET's
/// callback receives the error body as if it were the object); here the status and S3's error code survive intact,
/// which is what the retry policy needs to tell transient failures from permanent ones.
/// </summary>
public sealed class S3ErrorResponseHandler : DelegatingHandler
{
    private const int MaxErrorBody = 64 * 1024;

    public S3ErrorResponseHandler()
    {
    }

    public S3ErrorResponseHandler(HttpMessageHandler innerHandler) : base(innerHandler)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode < 300)
            return response;
        using (response)
        {
            var body = request.Method == HttpMethod.Head ? null : await ReadErrorBodyAsync(response, cancellationToken).ConfigureAwait(false);
            var (code, message) = ParseError(body);
            throw new S3ResponseException(response.StatusCode, code, message, $"{request.Method} {request.RequestUri?.PathAndQuery}");
        }
    }

    /// <summary>S3's <c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;</c>, read by local element names; (null, null) when there is none.</summary>
    public static (string? Code, string? Message) ParseError(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
            return (null, null);
        try
        {
            using var reader = XmlReader.Create(new StringReader(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var root = XDocument.Load(reader).Root;
            if (root is null || root.Name.LocalName != "Error")
                return (null, Shorten(body));
            return (Child(root, "Code"), Child(root, "Message"));
        }
        catch (XmlException)
        {
            return (null, Shorten(body));
        }
    }

    private static string? Child(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;

    private static async Task<string?> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[MaxErrorBody];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                length += read;
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return null; // the status alone still says what happened
        }
    }

    private static string Shorten(string text)
    {
        text = text.Trim();
        return text.Length <= 200 ? text : text[..200] + "...";
    }
}
