using System.Text.Json;
using Grid.Kernels.Isolation;

namespace Grid.Cluster.Wire;

/// <summary>Encodes arrays of input items and kernel results as JSON, typed on each side by the kernel's declared types (never by a type name from the wire).</summary>
internal static class ItemCodec
{
    // The same settings as for a worker process's items, so an item that travels one way travels the other.
    private static readonly JsonSerializerOptions Options = ItemJson.Options;

    public static byte[] Encode(Array items) => JsonSerializer.SerializeToUtf8Bytes(items, items.GetType(), Options);

    public static byte[] EncodeValue(object? value, Type type) => JsonSerializer.SerializeToUtf8Bytes(value, type, Options);

    public static object? DecodeValue(ReadOnlySpan<byte> json, Type type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type, Options);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Not only JSON errors: the type's own constructor or setters may refuse what the bytes say.
            throw new WireFormatException($"The value is not JSON of {type.FullName}: {exception.Message}", exception);
        }
    }

    /// <summary>Decodes an array of <paramref name="elementType"/> holding exactly <paramref name="count"/> items.</summary>
    public static Array Decode(ReadOnlySpan<byte> json, Type elementType, int count)
    {
        Array? items;
        try
        {
            items = (Array?)JsonSerializer.Deserialize(json, elementType.MakeArrayType(), Options);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Not only JSON errors: the item type's own constructor or setters may refuse what the bytes say.
            throw new WireFormatException($"The items are not a JSON array of {elementType.FullName}: {exception.Message}", exception);
        }

        if (items is null || items.Length != count)
        {
            throw new WireFormatException($"The message says {count} items, but its JSON array holds {items?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}.");
        }

        return items;
    }
}
