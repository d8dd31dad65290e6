using System.Collections.Concurrent;
using System.Text.Json;

namespace Grid.Stored;

/// <summary>Reads stored items into typed arrays and writes typed values as JSON without boxing each one: one typed reader and writer per item type, made once.</summary>
internal abstract class ItemJson
{
    private static readonly ConcurrentDictionary<Type, ItemJson> ByType = new();

    /// <summary>Gets the reader and writer of <paramref name="type"/>.</summary>
    public static ItemJson Of(Type type) => ByType.GetOrAdd(type, t => (ItemJson)Activator.CreateInstance(typeof(Typed<>).MakeGenericType(t))!);

    /// <summary>Reads the items at <paramref name="positions"/> of <paramref name="items"/> into an array; an item that is not valid JSON of the type is reported to <paramref name="rejected"/> and left out.</summary>
    public abstract Array Read(PackedItems items, IReadOnlyList<int> positions, Action<int, JsonException> rejected);

    /// <summary>Writes element <paramref name="index"/> of <paramref name="values"/>, an array of the type, as JSON.</summary>
    public abstract byte[] Write(Array values, int index);

    private sealed class Typed<T> : ItemJson
    {
        public override Array Read(PackedItems items, IReadOnlyList<int> positions, Action<int, JsonException> rejected)
        {
            var read = new T[positions.Count];
            var count = 0;
            foreach (var position in positions)
            {
                try
                {
                    read[count] = JsonSerializer.Deserialize<T>(items[position].Span, PackedItems.Json)!;
                    count++;
                }
                catch (JsonException exception)
                {
                    rejected(position, exception);
                }
            }

            return count == read.Length ? read : read[..count];
        }

        public override byte[] Write(Array values, int index) => JsonSerializer.SerializeToUtf8Bytes(((T[])values)[index], PackedItems.Json);
    }
}
