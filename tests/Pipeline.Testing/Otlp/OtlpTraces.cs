using System.Globalization;

namespace Pipeline.Testing.Otlp;

/// <summary>
/// Reads an OTLP/HTTP <c>ExportTraceServiceRequest</c> (opentelemetry-proto's trace.proto): resource spans (the service
/// name among the resource's attributes), their scope spans, and each span's ids, name and attributes.
/// </summary>
public static class OtlpTraces
{
    public static IReadOnlyList<OtlpSpan> Read(ReadOnlySpan<byte> request)
    {
        var spans = new List<OtlpSpan>();
        var reader = new ProtobufReader(request);
        while (reader.Next())
            if (reader.Field == 1)
                ReadResourceSpans(reader.Bytes(), spans);
            else
                reader.Skip();
        return spans;
    }

    private static void ReadResourceSpans(ReadOnlySpan<byte> message, List<OtlpSpan> spans)
    {
        var service = "";
        var scopes = new List<byte[]>();
        var reader = new ProtobufReader(message);
        while (reader.Next())
            switch (reader.Field)
            {
                case 1:
                    service = Attributes(reader.Bytes(), attributesField: 1).GetValueOrDefault("service.name", "");
                    break;
                case 2:
                    scopes.Add(reader.Bytes().ToArray());
                    break;
                default:
                    reader.Skip();
                    break;
            }
        foreach (var scope in scopes)
        {
            var scopeReader = new ProtobufReader(scope);
            while (scopeReader.Next())
                if (scopeReader.Field == 2)
                    spans.Add(ReadSpan(scopeReader.Bytes(), service));
                else
                    scopeReader.Skip();
        }
    }

    private static OtlpSpan ReadSpan(ReadOnlySpan<byte> message, string service)
    {
        string traceId = "", spanId = "", parentId = "", name = "";
        var reader = new ProtobufReader(message);
        while (reader.Next())
            switch (reader.Field)
            {
                case 1: traceId = Convert.ToHexStringLower(reader.Bytes()); break;
                case 2: spanId = Convert.ToHexStringLower(reader.Bytes()); break;
                case 4: parentId = Convert.ToHexStringLower(reader.Bytes()); break;
                case 5: name = reader.String(); break;
                default: reader.Skip(); break;
            }
        return new OtlpSpan(service, traceId, spanId, parentId, name, Attributes(message, attributesField: 9));
    }

    /// <summary>The <c>KeyValue</c> fields numbered <paramref name="attributesField"/> of a message, values as text.</summary>
    private static Dictionary<string, string> Attributes(ReadOnlySpan<byte> message, int attributesField)
    {
        var attributes = new Dictionary<string, string>();
        var reader = new ProtobufReader(message);
        while (reader.Next())
        {
            if (reader.Field != attributesField)
            {
                reader.Skip();
                continue;
            }
            string key = "", value = "";
            var pair = new ProtobufReader(reader.Bytes());
            while (pair.Next())
                if (pair.Field == 1)
                    key = pair.String();
                else if (pair.Field == 2)
                    value = AnyValue(pair.Bytes());
                else
                    pair.Skip();
            attributes[key] = value;
        }
        return attributes;
    }

    private static string AnyValue(ReadOnlySpan<byte> message)
    {
        var reader = new ProtobufReader(message);
        var value = "";
        while (reader.Next())
            switch (reader.Field)
            {
                case 1: value = reader.String(); break;
                case 2: value = reader.Varint() != 0 ? "true" : "false"; break;
                case 3: value = ((long)reader.Varint()).ToString(CultureInfo.InvariantCulture); break;
                case 4: value = reader.Double().ToString("R", CultureInfo.InvariantCulture); break;
                default: reader.Skip(); break;
            }
        return value;
    }
}
