using System.Text;
using Pipeline.Storage;

namespace Pipeline.Tests.Storage;

public sealed class S3ListPageTests
{
    [Theory]
    [InlineData("http://s3.amazonaws.com/doc/2006-03-01/")] // AWS, MinIO
    [InlineData("http://doc.s3.amazonaws.com/2006-03-01/")] // s3rver
    [InlineData(null)]
    public void A_page_is_read_whatever_the_namespace(string? xmlns)
    {
        var page = Parse($"""
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult{(xmlns is null ? "" : $" xmlns=\"{xmlns}\"")}>
              <Name>b</Name><Prefix>a/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
              <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
              <Contents><Key>a/1</Key><Size>3</Size></Contents>
              <Contents><Key>a/2 &amp; 3</Key><Size>4</Size></Contents>
            </ListBucketResult>
            """);

        Assert.Equal(["a/1", "a/2 & 3"], page.Keys);
        Assert.True(page.IsTruncated);
        Assert.Equal("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=", page.NextContinuationToken);
    }

    [Fact]
    public void Url_encoded_keys_are_decoded_when_the_answer_says_so()
    {
        var page = Parse("""
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>
              <Contents><Key>with+space%2Fand%2Bplus%25/%C3%A9</Key></Contents>
              <Contents><Key>with%20space</Key></Contents>
            </ListBucketResult>
            """);

        Assert.Equal(["with space/and+plus%/é", "with space"], page.Keys);
        Assert.False(page.IsTruncated);
        Assert.Null(page.NextContinuationToken);
    }

    [Fact]
    public void Keys_are_taken_as_they_are_when_the_server_ignored_the_encoding_request()
    {
        var page = Parse("<ListBucketResult><Contents><Key>100%+x</Key></Contents></ListBucketResult>");

        Assert.Equal(["100%+x"], page.Keys);
    }

    [Fact]
    public void An_answer_that_is_not_a_listing_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse("<Error><Code>InternalError</Code></Error>"));

        Assert.Contains("<Error>", error.Message);
    }

    [Fact]
    public void An_error_body_gives_its_code_and_message()
    {
        Assert.Equal(("SlowDown", "Please reduce your request rate."), S3ErrorResponseHandler.ParseError(
            "<?xml version=\"1.0\"?><Error xmlns=\"x\"><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>1</RequestId></Error>"));
        Assert.Equal((null, null), S3ErrorResponseHandler.ParseError(""));
        Assert.Equal((null, "Bad Gateway"), S3ErrorResponseHandler.ParseError("Bad Gateway"));
    }

    private static S3ListPage Parse(string xml) => S3ListPage.Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)));
}
