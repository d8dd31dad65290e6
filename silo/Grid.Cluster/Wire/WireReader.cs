using System.Buffers.Binary;
using System.Text;

namespace Grid.Cluster.Wire;

/// <summary>Reads what <see cref="WireWriter"/> wrote, checking every length against the bytes left, so a malformed message fails with a <see cref="WireFormatException"/> and never reads past its end.</summary>
internal ref struct WireReader(ReadOnlySpan<byte> bytes)
{
    private ReadOnlySpan<byte> _rest = bytes;

    /// <summary>Gets how many bytes are left unread.</summary>
    public readonly int Remaining => _rest.Length;

    public byte Byte(string field)
    {
        if (_rest.IsEmpty)
        {
            throw Truncated(field);
        }

        var value = _rest[0];
        _rest = _rest[1..];
        return value;
    }

    public bool Bool(string field) => Byte(field) switch
    {
        0 => false,
        1 => true,
        var other => throw new WireFormatException($"Field '{field}' should be 0 or 1, but is {other}."),
    };

    public ulong UVarLong(string field)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte(field);
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new WireFormatException($"Field '{field}' is a variable-length integer longer than 10 bytes.");
    }

    public long VarLong(string field)
    {
        var raw = UVarLong(field);
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public int VarInt(string field)
    {
        var value = VarLong(field);
        return value is < int.MinValue or > int.MaxValue
            ? throw new WireFormatException($"Field '{field}' is {value}, outside the range of a 32-bit integer.")
            : (int)value;
    }

    /// <summary>Reads a count that must be between 0 and <paramref name="max"/>.</summary>
    public int Count(string field, int max)
    {
        var value = UVarLong(field);
        return value > (ulong)max
            ? throw new WireFormatException($"Field '{field}' says {value} entries, more than the {max} the message can hold.")
            : (int)value;
    }

    public Guid Guid(string field)
    {
        var bytes = Take(16, field);
        return new Guid(bytes);
    }

    public double Double(string field) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, field));

    public TimeSpan TimeSpan(string field)
    {
        var ticks = VarLong(field);
        return ticks < 0
            ? throw new WireFormatException($"Field '{field}' is a negative duration ({ticks} ticks).")
            : new TimeSpan(ticks);
    }

    public TimeSpan? OptionalTimeSpan(string field)
    {
        var ticks = VarLong(field);
        return ticks switch
        {
            -1 => null,
            < 0 => throw new WireFormatException($"Field '{field}' is a negative duration ({ticks} ticks)."),
            _ => new TimeSpan(ticks),
        };
    }

    public DateTimeOffset Instant(string field)
    {
        var ticks = VarLong(field);
        return ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
            ? throw new WireFormatException($"Field '{field}' is not a valid instant ({ticks} ticks).")
            : new DateTimeOffset(ticks, System.TimeSpan.Zero);
    }

    public DateTimeOffset? OptionalInstant(string field)
    {
        var ticks = VarLong(field);
        return ticks == -1 ? null
            : ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
                ? throw new WireFormatException($"Field '{field}' is not a valid instant ({ticks} ticks).")
                : new DateTimeOffset(ticks, System.TimeSpan.Zero);
    }

    public string? OptionalString(string field)
    {
        var length = UVarLong(field);
        if (length == 0)
        {
            return null;
        }

        if (length - 1 > (ulong)_rest.Length)
        {
            throw Truncated(field);
        }

        try
        {
            return Encoding.UTF8.GetString(Take((int)(length - 1), field));
        }
        catch (DecoderFallbackException exception)
        {
            throw new WireFormatException($"Field '{field}' is not valid UTF-8.", exception);
        }
    }

    public string String(string field) => OptionalString(field) ?? throw new WireFormatException($"Field '{field}' is missing.");

    public ReadOnlySpan<byte> Bytes(string field)
    {
        var length = UVarLong(field);
        return length > (ulong)_rest.Length ? throw Truncated(field) : Take((int)length, field);
    }

    /// <summary>Throws unless every byte was read: trailing bytes mean the sender and reader disagree on the message's layout.</summary>
    public readonly void End(string message)
    {
        if (!_rest.IsEmpty)
        {
            throw new WireFormatException($"A '{message}' message has {_rest.Length} bytes after its last field.");
        }
    }

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > _rest.Length)
        {
            throw Truncated(field);
        }

        var value = _rest[..count];
        _rest = _rest[count..];
        return value;
    }

    private static WireFormatException Truncated(string field) => new($"The message ends in the middle of field '{field}'.");
}
