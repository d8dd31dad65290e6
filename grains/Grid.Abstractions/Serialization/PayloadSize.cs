using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Grid.Serialization;

/// <summary>Estimates, from above, how many bytes items take in an Orleans message, so that no input batch, chunk or result Grid sends outgrows the cluster's message limit.</summary>
/// <remarks>
/// <para>
/// Orleans closes the connection a message over its <c>MaxMessageBodySize</c> was to travel on, failing every call on it. Grid keeps
/// each of its messages under a budget of an eighth of that limit (<see cref="BudgetOf"/>): the client cuts input batches, the job
/// cuts chunks and a worker pool cuts a chunk's results into parts by these estimates; a single item over the budget travels alone.
/// </para>
/// <para>
/// Numbers, enums, <see cref="Guid"/>s and times have a fixed size; strings count three bytes a character (UTF-8 at most), byte
/// arrays their length; other types are measured by writing them as JSON, as Orleans' JSON codec does, into a counter.
/// </para>
/// </remarks>
public static class PayloadSize
{
    /// <summary>The message limit Grid sets on silos and clients: Orleans' own default of 100 MiB, set explicitly so both sides agree.</summary>
    public const int DefaultMessageLimit = 100 * 1024 * 1024;

    /// <summary>The smallest message limit silos and clients accept: 64 KiB.</summary>
    public const int MinMessageLimit = 64 * 1024;

    // What one value costs beyond its content: a field header and a length.
    private const int Overhead = 8;

    [ThreadStatic]
    private static CountingWriter? t_counter;

    /// <summary>Returns the budget of one message Grid sends under a message limit of <paramref name="messageLimit"/> bytes: an eighth of it, and at least 1 KiB.</summary>
    public static int BudgetOf(int messageLimit) => Math.Max(1024, messageLimit / 8);

    /// <summary>Returns the size every value of <paramref name="type"/> has, or <see langword="null"/> when values differ in size.</summary>
    public static int? FixedSizeOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.IsEnum)
        {
            type = Enum.GetUnderlyingType(type);
        }

        if (type.IsPrimitive)
        {
            return Overhead + 8;
        }

        if (type == typeof(decimal) || type == typeof(Guid) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan)
            || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(Int128) || type == typeof(UInt128))
        {
            return Overhead + 16;
        }

        return Nullable.GetUnderlyingType(type) is { } inner ? FixedSizeOf(inner) : null;
    }

    /// <summary>Estimates the bytes of one item.</summary>
    public static int Of(object? item) => item switch
    {
        null => 1,
        string text => Saturate(Overhead + (3L * text.Length)),
        byte[] bytes => Saturate(Overhead + (long)bytes.Length),
        Array array => OfArray(array),
        _ => FixedSizeOf(item.GetType()) ?? Measure(item),
    };

    /// <summary>Returns each item's estimated bytes, or <see langword="null"/> when the items' type has a fixed size (see <see cref="FixedSizeOf"/>).</summary>
    public static int[]? SizesOf(Array items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (FixedSizeOf(items.GetType().GetElementType()!) is not null)
        {
            return null;
        }

        var sizes = new int[items.Length];
        for (var i = 0; i < sizes.Length; i++)
        {
            sizes[i] = Of(items.GetValue(i));
        }

        return sizes;
    }

    private static int OfArray(Array array)
    {
        if (FixedSizeOf(array.GetType().GetElementType()!) is { } fixedSize)
        {
            return Saturate(Overhead + ((long)fixedSize * array.Length));
        }

        long total = Overhead;
        foreach (var element in array)
        {
            total += Of(element);
        }

        return Saturate(total);
    }

    private static int Measure(object item)
    {
        var counter = t_counter ??= new CountingWriter();
        counter.Reset();
        using (var writer = new Utf8JsonWriter(counter))
        {
            JsonSerializer.Serialize(writer, item, item.GetType());
        }

        return Saturate(Overhead + counter.Written);
    }

    private static int Saturate(long bytes) => (int)Math.Min(bytes, int.MaxValue);

    // Takes what a JSON writer writes and keeps only its length, reusing one buffer.
    private sealed class CountingWriter : IBufferWriter<byte>
    {
        private byte[] _buffer = new byte[4096];

        public long Written { get; private set; }

        public void Reset() => Written = 0;

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private byte[] Room(int sizeHint)
        {
            if (sizeHint > _buffer.Length)
            {
                _buffer = new byte[Math.Max(sizeHint, _buffer.Length * 2)];
            }

            return _buffer;
        }
    }
}
