using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Storage;

/// <summary>
/// AWS Signature Version 4 (header form) for the S3 requests the Minio SDK cannot make for us: ListObjectsV2
/// and multipart upload. S3 flavour: the canonical URI is the path encoded once, with no double encoding and no
/// dot-segment normalisation, so what is signed is exactly what <see cref="UriEncode"/> puts on the wire.
/// </summary>
public sealed class AwsSigV4Signer(string accessKey, string secretKey, string region, string service = "s3")
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>SHA-256 of an empty payload, lower-case hex.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The <c>x-amz-date</c> form of <paramref name="time"/>: <c>yyyyMMddTHHmmssZ</c> in UTC.</summary>
    public static string AmzDate(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string PayloadHash(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload));

    /// <summary>Percent-encodes all but the RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~) as UTF-8 with
    /// upper-case hex, as SigV4 wants; '/' stays as it is when <paramref name="keepSlash"/> (object key paths).</summary>
    public static string UriEncode(string value, bool keepSlash = false)
    {
        var encoded = new StringBuilder(value.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && (IsUnreserved((char)rune.Value) || (keepSlash && rune.Value == '/')))
            {
                encoded.Append((char)rune.Value);
                continue;
            }
            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return encoded.ToString();
    }

    /// <summary>The canonical query string: names and values encoded, sorted by name then value, <c>name=value</c>
    /// joined by '&amp;' (a parameter without a value is <c>name=</c>). The same string is what goes on the wire.</summary>
    public static string CanonicalQueryString(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters
            .Select(p => (Name: UriEncode(p.Key), Value: UriEncode(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));

    /// <summary>SigV4's canonical request. <paramref name="canonicalUri"/> and <paramref name="canonicalQuery"/> are
    /// already encoded (see <see cref="UriEncode"/> and <see cref="CanonicalQueryString"/>); every header given is signed.</summary>
    public static string CanonicalRequest(string method, string canonicalUri, string canonicalQuery,
        IEnumerable<KeyValuePair<string, string>> headers, string payloadHash)
    {
        var canonicalHeaders = CanonicalHeaders(headers);
        var request = new StringBuilder()
            .Append(method).Append('\n')
            .Append(canonicalUri).Append('\n')
            .Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in canonicalHeaders)
            request.Append(name).Append(':').Append(value).Append('\n');
        return request.Append('\n')
            .Append(SignedHeaders(canonicalHeaders)).Append('\n')
            .Append(payloadHash)
            .ToString();
    }

    public string Scope(DateTimeOffset time) =>
        $"{time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{region}/{service}/aws4_request";

    public string StringToSign(DateTimeOffset time, string canonicalRequest) =>
        $"{Algorithm}\n{AmzDate(time)}\n{Scope(time)}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    public string Signature(DateTimeOffset time, string stringToSign)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>The <c>Authorization</c> header value for a request; <paramref name="headers"/> must include
    /// <c>host</c> and <c>x-amz-date</c> (and, for S3, <c>x-amz-content-sha256</c>) exactly as they are sent.</summary>
    public string Authorization(DateTimeOffset time, string method, string canonicalUri, string canonicalQuery,
        IReadOnlyCollection<KeyValuePair<string, string>> headers, string payloadHash)
    {
        var canonicalRequest = CanonicalRequest(method, canonicalUri, canonicalQuery, headers, payloadHash);
        var signature = Signature(time, StringToSign(time, canonicalRequest));
        return $"{Algorithm} Credential={accessKey}/{Scope(time)}, SignedHeaders={SignedHeaders(CanonicalHeaders(headers))}, Signature={signature}";
    }

    private static List<(string Name, string Value)> CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers) =>
        headers
            .GroupBy(h => h.Key.Trim().ToLowerInvariant())
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => CollapseSpaces(h.Value.Trim())))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();

    private static string SignedHeaders(IEnumerable<(string Name, string Value)> canonicalHeaders) =>
        string.Join(';', canonicalHeaders.Select(h => h.Name));

    private static string CollapseSpaces(string value)
    {
        if (!value.Contains("  ", StringComparison.Ordinal))
            return value;
        var collapsed = new StringBuilder(value.Length);
        foreach (var c in value)
            if (c != ' ' || collapsed.Length == 0 || collapsed[^1] != ' ')
                collapsed.Append(c);
        return collapsed.ToString();
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}
