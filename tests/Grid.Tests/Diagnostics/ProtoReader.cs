using System.Buffers.Binary;
using System.Text;

namespace Grid.Tests.Diagnostics;

/// <summary>Reads the protobuf wire format field by field: just enough to decode OTLP requests without a protobuf library.</summary>
internal sealed class ProtoReader(ReadOnlyMemory<byte> buffer)
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    private int _position;

    /// <summary>Gets the number of the field just read by <see cref="Next"/>.</summary>
    public int Field { get; private set; }

    /// <summary>Gets the wire type of the field just read by <see cref="Next"/>.</summary>
    public int WireType { get; private set; }

    /// <summary>Reads the next field's tag; returns false at the end of the message.</summary>
    public bool Next()
    {
        if (_position >= buffer.Length)
        {
            return false;
        }

        var tag = ReadRawVarint();
        Field = checked((int)(tag >> 3));
        WireType = (int)(tag & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        Expect(Varint);
        return ReadRawVarint();
    }

    public ulong ReadFixed64()
    {
        Expect(Fixed64);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(Take(8).Span);
        return value;
    }

    public uint ReadFixed32()
    {
        Expect(Fixed32);
        return BinaryPrimitives.ReadUInt32LittleEndian(Take(4).Span);
    }

    public ReadOnlyMemory<byte> ReadBytes()
    {
        Expect(LengthDelimited);
        return Take(checked((int)ReadRawVarint()));
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes().Span);

    public ProtoReader ReadMessage() => new(ReadBytes());

    /// <summary>Skips the value of the field just read, whatever its wire type.</summary>
    public void Skip()
    {
        switch (WireType)
        {
            case Varint:
                ReadRawVarint();
                break;
            case Fixed64:
                Take(8);
                break;
            case LengthDelimited:
                Take(checked((int)ReadRawVarint()));
                break;
            case Fixed32:
                Take(4);
                break;
            default:
                throw new InvalidDataException($"Field {Field} has the unsupported wire type {WireType}.");
        }
    }

    private void Expect(int wireType)
    {
        if (WireType != wireType)
        {
            throw new InvalidDataException($"Field {Field} has wire type {WireType}, expected {wireType}.");
        }
    }

    private ulong ReadRawVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Take(1).Span[0];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("A varint is longer than ten bytes.");
    }

    private ReadOnlyMemory<byte> Take(int count)
    {
        if (count < 0 || _position + count > buffer.Length)
        {
            throw new InvalidDataException($"Field {Field} runs past the end of its message ({count} bytes at {_position} of {buffer.Length}).");
        }

        var slice = buffer.Slice(_position, count);
        _position += count;
        return slice;
    }
}
