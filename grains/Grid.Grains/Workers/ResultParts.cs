using Grid.Jobs;
using Grid.Serialization;

namespace Grid.Workers;

/// <summary>Cuts a chunk's result into consecutive parts that each fit one message's budget, so that a chunk of large outputs never outgrows the cluster's message limit on its way back.</summary>
/// <remarks>Each part keeps the chunk's id and its own first index, and a share of the chunk's busy time in proportion to its items; the job settles the chunk once its parts cover every item.</remarks>
internal static class ResultParts
{
    // What an item costs beside its output: its duration, its attempt count and a field header or two.
    private const int PerItem = 24;

    /// <summary>Returns whether <paramref name="result"/> may be over <paramref name="budget"/> without measuring its outputs one by one.</summary>
    public static bool MayExceed(ChunkResult result, int budget)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Count <= 1)
        {
            return false;
        }

        var outputBytes = result.Outputs is { } outputs ? PayloadSize.FixedSizeOf(outputs.GetType().GetElementType()!) : 0;
        return outputBytes is null || result.Errors is not null || (long)result.Count * (outputBytes.Value + PerItem) > budget;
    }

    /// <summary>Cuts <paramref name="result"/> into parts within <paramref name="budget"/> bytes each (an item over it goes alone); one part when it fits whole.</summary>
    public static ChunkResult[] Split(ChunkResult result, int budget)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!MayExceed(result, budget))
        {
            return [result];
        }

        var parts = new List<ChunkResult>();
        var start = 0;
        long bytes = 0;
        for (var i = 0; i < result.Count; i++)
        {
            var size = SizeOf(result, i);
            if (i > start && bytes + size > budget)
            {
                parts.Add(Part(result, start, i - start));
                start = i;
                bytes = 0;
            }

            bytes += size;
        }

        if (parts.Count == 0)
        {
            return [result];
        }

        parts.Add(Part(result, start, result.Count - start));
        return [.. parts];
    }

    private static long SizeOf(ChunkResult result, int i)
    {
        long size = PerItem + (result.Outputs is { } outputs ? PayloadSize.Of(outputs.GetValue(i)) : 0);
        if (result.Errors?[i] is { } error)
        {
            size += 3L * (error.Type.Length + error.Message.Length + (error.Detail?.Length ?? 0));
        }

        return size;
    }

    private static ChunkResult Part(ChunkResult result, int offset, int length)
        => result.Slice(offset, length) with { Busy = result.Busy * length / result.Count };
}
