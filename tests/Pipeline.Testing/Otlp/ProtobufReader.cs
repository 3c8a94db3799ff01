using System.Text;

namespace Pipeline.Testing.Otlp;

/// <summary>
/// Just enough of protobuf's wire format to read OTLP messages: fields in order, each a number, a wire type and a
/// value (varint, fixed 64 bits, length-delimited bytes, fixed 32 bits).
/// </summary>
public ref struct ProtobufReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public int Field { get; private set; }

    private int _wireType;

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next()
    {
        if (_position >= _data.Length)
            return false;
        var tag = ReadVarint();
        Field = (int)(tag >> 3);
        _wireType = (int)(tag & 7);
        return true;
    }

    public ulong Varint() => ReadVarint();

    public ReadOnlySpan<byte> Bytes()
    {
        var length = (int)ReadVarint();
        var bytes = _data.Slice(_position, length);
        _position += length;
        return bytes;
    }

    public string String() => Encoding.UTF8.GetString(Bytes());

    public double Double()
    {
        var value = BitConverter.ToDouble(_data.Slice(_position, 8));
        _position += 8;
        return value;
    }

    /// <summary>Passes over the current field's value.</summary>
    public void Skip()
    {
        switch (_wireType)
        {
            case 0: ReadVarint(); break;
            case 1: _position += 8; break;
            case 2: Bytes(); break;
            case 5: _position += 4; break;
            default: throw new InvalidDataException($"Protobuf wire type {_wireType} is not supported.");
        }
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
    }
}
