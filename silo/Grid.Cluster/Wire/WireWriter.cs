using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Grid.Cluster.Wire;

/// <summary>Writes the compact binary form of Grid's cluster messages: variable-length integers, length-prefixed strings and byte blocks.</summary>
internal sealed class WireWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    /// <summary>Gets the bytes written so far.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    /// <summary>Writes an unsigned variable-length integer, 7 bits per byte.</summary>
    public void UVarLong(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
    }

    /// <summary>Writes a signed integer in zig-zag form, so small negative numbers stay short.</summary>
    public void VarLong(long value) => UVarLong((ulong)((value << 1) ^ (value >> 63)));

    public void VarInt(int value) => VarLong(value);

    /// <summary>Writes a count or an index, never negative; read back with <see cref="WireReader.Count"/>.</summary>
    public void Count(int value) => UVarLong((ulong)value);

    public void Guid(Guid value)
    {
        value.TryWriteBytes(_buffer.GetSpan(16));
        _buffer.Advance(16);
    }

    public void Double(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void TimeSpan(TimeSpan value) => VarLong(value.Ticks);

    /// <summary>Writes an optional time span: -1 stands for none.</summary>
    public void OptionalTimeSpan(TimeSpan? value) => VarLong(value?.Ticks ?? -1);

    /// <summary>Writes an optional instant as UTC ticks: -1 stands for none.</summary>
    public void OptionalInstant(DateTimeOffset? value) => VarLong(value?.UtcTicks ?? -1);

    public void Instant(DateTimeOffset value) => VarLong(value.UtcTicks);

    /// <summary>Writes a string as its UTF-8 length and bytes; <see langword="null"/> is written as length 0 with a flag.</summary>
    public void String(string? value)
    {
        if (value is null)
        {
            UVarLong(0);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        UVarLong((ulong)length + 1);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    /// <summary>Writes a block of bytes with its length in front.</summary>
    public void Bytes(ReadOnlySpan<byte> value)
    {
        UVarLong((ulong)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
