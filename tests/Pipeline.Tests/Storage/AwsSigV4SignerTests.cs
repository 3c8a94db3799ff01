using System.Text;
using Pipeline.Storage;

namespace Pipeline.Tests.Storage;

/// <summary>The signer against AWS's published vectors: the S3 examples of "Signature Calculations for the
/// Authorization Header" (examplebucket, 2013-05-24) and cases of the SigV4 test suite (2015-08-30).</summary>
public sealed class AwsSigV4SignerTests
{
    private static readonly DateTimeOffset S3ExampleTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly AwsSigV4Signer S3Example = new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1");
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static readonly AwsSigV4Signer Suite = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service");

    [Fact]
    public void The_S3_get_object_example_gives_the_published_canonical_request_and_signature()
    {
        KeyValuePair<string, string>[] headers =
        [
            new("Host", "examplebucket.s3.amazonaws.com"),
            new("Range", "bytes=0-9"),
            new("x-amz-content-sha256", AwsSigV4Signer.EmptyPayloadHash),
            new("x-amz-date", "20130524T000000Z"),
        ];

        var canonical = AwsSigV4Signer.CanonicalRequest("GET", "/test.txt", "", headers, AwsSigV4Signer.EmptyPayloadHash);
        var stringToSign = S3Example.StringToSign(S3ExampleTime, canonical);

        Assert.Equal(
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n" +
            $"x-amz-content-sha256:{AwsSigV4Signer.EmptyPayloadHash}\nx-amz-date:20130524T000000Z\n\n" +
            $"host;range;x-amz-content-sha256;x-amz-date\n{AwsSigV4Signer.EmptyPayloadHash}", canonical);
        Assert.Equal("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972", stringToSign);
        Assert.Equal("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", S3Example.Signature(S3ExampleTime, stringToSign));
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
            S3Example.Authorization(S3ExampleTime, "GET", "/test.txt", "", headers, AwsSigV4Signer.EmptyPayloadHash));
    }

    [Fact]
    public void The_S3_put_object_example_signs_the_payload_and_encodes_the_dollar_in_the_key()
    {
        var payloadHash = AwsSigV4Signer.PayloadHash("Welcome to Amazon S3."u8);
        KeyValuePair<string, string>[] headers =
        [
            new("Host", "examplebucket.s3.amazonaws.com"),
            new("Date", "Fri, 24 May 2013 00:00:00 GMT"),
            new("x-amz-date", "20130524T000000Z"),
            new("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            new("x-amz-content-sha256", payloadHash),
        ];

        Assert.Equal("/test%24file.text", "/" + AwsSigV4Signer.UriEncode("test$file.text", keepSlash: true));
        Assert.Equal("98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
            SignatureOf(S3Example, S3ExampleTime, "PUT", "/test%24file.text", "", headers, payloadHash));
    }

    [Fact]
    public void The_S3_get_bucket_lifecycle_example_signs_a_parameter_without_a_value()
    {
        var query = AwsSigV4Signer.CanonicalQueryString([new("lifecycle", "")]);

        Assert.Equal("lifecycle=", query);
        Assert.Equal("fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543", SignatureOf(S3Example, S3ExampleTime, "GET", "/", query, S3ExampleHeaders(), AwsSigV4Signer.EmptyPayloadHash));
    }

    [Fact]
    public void The_S3_list_objects_example_sorts_the_query()
    {
        var query = AwsSigV4Signer.CanonicalQueryString([new("prefix", "J"), new("max-keys", "2")]);

        Assert.Equal("max-keys=2&prefix=J", query);
        Assert.Equal("34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
            SignatureOf(S3Example, S3ExampleTime, "GET", "/", query, S3ExampleHeaders(), AwsSigV4Signer.EmptyPayloadHash));
    }

    [Theory]
    [InlineData("get-vanilla", "/", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("get-vanilla-query-order-key-case", "/", "Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    [InlineData("get-unreserved", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f")]
    [InlineData("get-utf8", "/ሴ", "", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85")]
    [InlineData("get-space", "/example space/", "", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741")]
    [InlineData("get-vanilla-utf8-query", "/", "ሴ=bar", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04")]
    public void The_signature_test_suite_vectors_match(string name, string path, string query, string signature)
    {
        var parameters = query.Length == 0
            ? []
            : query.Split('&').Select(p => p.Split('=')).Select(p => new KeyValuePair<string, string>(p[0], p[1])).ToArray();
        KeyValuePair<string, string>[] headers = [new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")];

        var authorization = Suite.Authorization(SuiteTime, "GET", AwsSigV4Signer.UriEncode(path, keepSlash: true),
            AwsSigV4Signer.CanonicalQueryString(parameters), headers, AwsSigV4Signer.EmptyPayloadHash);

        var expected = $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}";
        Assert.True(expected == authorization, $"{name}: {authorization}");
    }

    [Theory]
    [InlineData("a/b c+d%e", false, "a%2Fb%20c%2Bd%25e")]
    [InlineData("a/b c+d%e", true, "a/b%20c%2Bd%25e")]
    [InlineData("-_.~AZaz09", false, "-_.~AZaz09")]
    [InlineData("é🙂", false, "%C3%A9%F0%9F%99%82")]
    [InlineData("!*'()$&=?#[]", false, "%21%2A%27%28%29%24%26%3D%3F%23%5B%5D")]
    public void UriEncode_keeps_only_unreserved_characters(string value, bool keepSlash, string encoded)
    {
        Assert.Equal(encoded, AwsSigV4Signer.UriEncode(value, keepSlash));
    }

    [Fact]
    public void Header_names_are_lower_cased_sorted_and_values_trimmed_with_inner_spaces_collapsed()
    {
        var canonical = AwsSigV4Signer.CanonicalRequest("GET", "/", "",
            [new("X-B", "  two   spaces  "), new("host", "h"), new("x-a", "1"), new("X-A", "2")], AwsSigV4Signer.EmptyPayloadHash);

        Assert.Equal($"GET\n/\n\nhost:h\nx-a:1,2\nx-b:two spaces\n\nhost;x-a;x-b\n{AwsSigV4Signer.EmptyPayloadHash}", canonical);
    }

    [Fact]
    public void The_signature_depends_on_the_secret()
    {
        var other = new AwsSigV4Signer("AKIAIOSFODNN7EXAMPLE", "another secret", "us-east-1");
        var stringToSign = S3Example.StringToSign(S3ExampleTime, "GET\n/\n\nhost:h\n\nhost\n" + AwsSigV4Signer.EmptyPayloadHash);

        Assert.NotEqual(S3Example.Signature(S3ExampleTime, stringToSign), other.Signature(S3ExampleTime, stringToSign));
        Assert.Equal("20130524T000000Z", AwsSigV4Signer.AmzDate(S3ExampleTime.ToOffset(TimeSpan.FromHours(2))));
        Assert.Equal(AwsSigV4Signer.EmptyPayloadHash, AwsSigV4Signer.PayloadHash(Encoding.UTF8.GetBytes("")));
    }

    private static KeyValuePair<string, string>[] S3ExampleHeaders() =>
    [
        new("Host", "examplebucket.s3.amazonaws.com"),
        new("x-amz-date", "20130524T000000Z"),
        new("x-amz-content-sha256", AwsSigV4Signer.EmptyPayloadHash),
    ];

    private static string SignatureOf(AwsSigV4Signer signer, DateTimeOffset time, string method, string path, string query,
        KeyValuePair<string, string>[] headers, string payloadHash) =>
        signer.Signature(time, signer.StringToSign(time, AwsSigV4Signer.CanonicalRequest(method, path, query, headers, payloadHash)));
}
