using System.Net;
using System.Net.Sockets;
using Pipeline.Storage;
using Polly.Timeout;

namespace Pipeline.Tests.Storage;

public sealed class S3StoreOptionsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:9000", false, "http://127.0.0.1:9000/")]
    [InlineData("minio:9000", false, "http://minio:9000/")]
    [InlineData("minio:9000", true, "https://minio:9000/")]
    [InlineData("https://s3.eu-west-1.amazonaws.com", false, "https://s3.eu-west-1.amazonaws.com/")]
    public void The_endpoint_may_be_a_url_or_host_and_port(string endpoint, bool useSsl, string expected)
    {
        Assert.Equal(new Uri(expected), new S3StoreOptions { Endpoint = endpoint, UseSsl = useSsl }.EndpointUri());
    }

    [Theory]
    [InlineData("Endpoint", "", "Pipeline:Store:S3:Endpoint is not set")]
    [InlineData("Endpoint", "http://minio:9000/pipeline", "has a path")]
    [InlineData("Endpoint", "ftp://minio", "is not an S3 endpoint")]
    [InlineData("Bucket", "", "Pipeline:Store:S3:Bucket is not set")]
    [InlineData("Bucket", "Has_Capitals", "is not a bucket name")]
    [InlineData("SecretKey", "", "Pipeline:Store:S3:AccessKey/SecretKey are not set")]
    [InlineData("PartSize", "1048576", "PartSize must be at least 5242880 bytes")]
    [InlineData("ListPageSize", "5000", "ListPageSize must be in 1..1000")]
    [InlineData("CircuitBreakerMinimumThroughput", "1", "must be at least 2")]
    public void A_bad_setting_is_named(string setting, string value, string message)
    {
        var options = new S3StoreOptions { Endpoint = "http://127.0.0.1:9000", Bucket = "pipeline", AccessKey = "a", SecretKey = "s" };
        var property = typeof(S3StoreOptions).GetProperty(setting)!;
        property.SetValue(options, property.PropertyType == typeof(int) ? int.Parse(value) : value);

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_defaults_are_valid_once_endpoint_bucket_and_keys_are_given()
    {
        var options = new S3StoreOptions { Endpoint = "minio:9000", Bucket = "pipeline", AccessKey = "a", SecretKey = "s" };

        options.Validate();
        Assert.Equal("us-east-1", options.Region);
        Assert.Equal("Pipeline:Store:S3", S3StoreOptions.SectionName);
    }

    public static TheoryData<Exception, bool> Failures => new()
    {
        { new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused)), true },
        { new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."), true },
        { new IOException("Connection reset by peer"), true },
        { new TimeoutRejectedException(TimeSpan.FromSeconds(1)), true },
        { new S3ResponseException(HttpStatusCode.InternalServerError, "InternalError", null, "GET /b/k"), true },
        { new S3ResponseException(HttpStatusCode.ServiceUnavailable, "SlowDown", null, "PUT /b/k"), true },
        { new S3ResponseException(HttpStatusCode.TooManyRequests, null, null, "PUT /b/k"), true },
        { new S3ResponseException(HttpStatusCode.BadRequest, "InvalidArgument", null, "PUT /b/k"), false },
        { new S3ResponseException(HttpStatusCode.Forbidden, "AccessDenied", null, "PUT /b/k"), false },
        { new S3ResponseException(HttpStatusCode.NotFound, "NoSuchKey", null, "GET /b/k"), false },
        { new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established"), false },
        { new InvalidDataException("not XML"), false },
        { new OperationCanceledException(), false },
        { new S3StoreException("gave up", "put", "k", 9, null), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Only_transient_failures_are_retried(Exception failure, bool transient)
    {
        Assert.Equal(transient, S3ResilientCalls.IsTransient(failure));
    }
}
