using System.Text.Json;

namespace Grid.Stored;

/// <summary>Items as UTF-8 JSON, one after another in one buffer: how a stored job's inputs and values travel and are kept.</summary>
/// <param name="Data">The items' JSON, back to back.</param>
/// <param name="Ends">Where each item's JSON ends in <paramref name="Data"/>.</param>
[GenerateSerializer]
[Immutable]
public sealed record PackedItems(byte[] Data, int[] Ends)
{
    /// <summary>The JSON settings items are written and read with, on clients and silos alike: System.Text.Json's defaults.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    /// <summary>Gets, for a batch of inputs, why each item that could not be stored was refused (its JSON is then empty), <see langword="null"/> where it was stored; <see langword="null"/> when every item was.</summary>
    [Id(100)]
    public string?[]? Refused { get; init; }

    /// <summary>Gets the number of items.</summary>
    public int Count => Ends.Length;

    /// <summary>Gets the JSON of item <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> this[int index] => Data.AsMemory(StartOf(index), Ends[index] - StartOf(index));

    /// <summary>Gets where item <paramref name="index"/>'s JSON begins.</summary>
    public int StartOf(int index) => index == 0 ? 0 : Ends[index - 1];

    /// <summary>Packs <paramref name="items"/>, each written as JSON.</summary>
    public static PackedItems Pack<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Pack(items.Count, (writer, i) => JsonSerializer.Serialize(writer, items[i], Json));
    }

    /// <summary>Packs the elements of <paramref name="items"/>, an array of <paramref name="type"/>, each written as JSON.</summary>
    public static PackedItems Pack(Array items, Type type)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Pack(items.Length, (writer, i) => JsonSerializer.Serialize(writer, items.GetValue(i), type, Json));
    }

    private static PackedItems Pack(int count, Action<Utf8JsonWriter, int> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(Math.Max(256, count * 16));
        var ends = new int[count];
        using (var writer = new Utf8JsonWriter(buffer))
        {
            for (var i = 0; i < count; i++)
            {
                write(writer, i);
                writer.Flush();
                writer.Reset();
                ends[i] = buffer.WrittenCount;
            }
        }

        return new PackedItems(buffer.WrittenSpan.ToArray(), ends);
    }
}
