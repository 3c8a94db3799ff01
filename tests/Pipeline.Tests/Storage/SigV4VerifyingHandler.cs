using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Pipeline.Storage;

namespace Pipeline.Tests.Storage;

/// <summary>
/// Checks the SigV4 signature of every request the way a verifying server (MinIO, AWS) does, because s3rver checks
/// none: it decodes the path and query it receives, re-encodes them canonically, takes the signed headers as sent and
/// the body's SHA-256, and recomputes the signature with the secret key. A mismatch is answered like S3 would
/// (403 SignatureDoesNotMatch, nothing forwarded). The signer it uses is itself checked against AWS's published
/// vectors (<see cref="AwsSigV4SignerTests"/>). Also keeps a log of the requests sent, for counting.
/// </summary>
public sealed class SigV4VerifyingHandler(string secretKey, HttpMessageHandler? inner = null)
    : DelegatingHandler(inner ?? new SocketsHttpHandler())
{
    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<string> Mismatches { get; } = new();

    public int Count(Func<string, bool> predicate) => Requests.Count(predicate);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var line = $"{request.Method} {request.RequestUri!.PathAndQuery}";
        Requests.Enqueue(line);
        var problem = await ProblemAsync(request, cancellationToken);
        if (problem is null)
            return await base.SendAsync(request, cancellationToken);
        Mismatches.Enqueue($"{line}: {problem}");
        return new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            RequestMessage = request,
            Content = new StringContent(
                $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code><Message>{WebUtility.HtmlEncode(problem)}</Message></Error>",
                Encoding.UTF8, "application/xml"),
        };
    }

    private async Task<string?> ProblemAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var authorization = request.Headers.TryGetValues("Authorization", out var values) ? values.Single() : null;
        if (authorization is null || !authorization.StartsWith(AwsSigV4Signer.Algorithm + " ", StringComparison.Ordinal))
            return $"not signed with SigV4: '{authorization}'";
        var parts = authorization[(AwsSigV4Signer.Algorithm.Length + 1)..]
            .Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var scope = parts["Credential"].Split('/'); // access key / date / region / service / aws4_request
        var signedHeaders = parts["SignedHeaders"].Split(';');
        var amzDate = Header(request, "x-amz-date") ?? throw new InvalidOperationException("no x-amz-date");
        var time = DateTimeOffset.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var payloadHash = Header(request, "x-amz-content-sha256") ?? "(none)";
        if (payloadHash != "UNSIGNED-PAYLOAD")
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            if (AwsSigV4Signer.PayloadHash(body) != payloadHash)
                return $"x-amz-content-sha256 {payloadHash} is not the SHA-256 of the {body.Length}-byte body";
        }

        // What the server receives, decoded, then encoded again the canonical way.
        var pathAndQuery = request.RequestUri!.PathAndQuery;
        var questionMark = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(questionMark < 0 ? pathAndQuery : pathAndQuery[..questionMark]);
        var query = questionMark < 0 ? [] : pathAndQuery[(questionMark + 1)..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => new KeyValuePair<string, string>(Decode(p[0]), p.Length > 1 ? Decode(p[1]) : ""));
        var headers = signedHeaders
            .Select(name => new KeyValuePair<string, string>(name, Header(request, name) ?? ""))
            .ToList();
        var signer = new AwsSigV4Signer(scope[0], secretKey, scope[2], scope[3]);
        var canonicalRequest = AwsSigV4Signer.CanonicalRequest(request.Method.Method, AwsSigV4Signer.UriEncode(path, keepSlash: true),
            AwsSigV4Signer.CanonicalQueryString(query), headers, payloadHash);
        var expected = signer.Signature(time, signer.StringToSign(time, canonicalRequest));
        return expected == parts["Signature"] ? null : $"signature {parts["Signature"]} is not {expected}; canonical request:\n{canonicalRequest}";
    }

    private static string Decode(string component) => Uri.UnescapeDataString(component.Replace('+', ' '));

    private static string? Header(HttpRequestMessage request, string name)
    {
        if (name.Equals("host", StringComparison.OrdinalIgnoreCase))
            return request.Headers.Host ?? request.RequestUri!.Authority;
        if (name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
            return (request.Content?.Headers.ContentLength ?? 0).ToString(CultureInfo.InvariantCulture);
        if (request.Headers.TryGetValues(name, out var values))
            return string.Join(',', values);
        if (request.Content is not null && request.Content.Headers.TryGetValues(name, out var contentValues))
            return string.Join(',', contentValues);
        return null;
    }
}
