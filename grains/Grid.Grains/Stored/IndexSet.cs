using System.Collections;
using System.Numerics;

namespace Grid.Stored;

/// <summary>A set of a job's item indices (0 to the job's total) as one bit each: the items of a ten-million-item job whose result is stored take 1.25 MB.</summary>
internal sealed class IndexSet(long total) : IReadOnlyCollection<long>
{
    private readonly ulong[] _bits = new ulong[(Math.Max(0, total) + 63) / 64];

    /// <summary>Gets the number of indices in the set.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="index"/>; an index outside 0 to the total is refused.</summary>
    public void Add(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, total);
        ref var word = ref _bits[index >> 6];
        var bit = 1UL << (int)(index & 63);
        if ((word & bit) == 0)
        {
            word |= bit;
            Count++;
        }
    }

    /// <summary>Gets whether <paramref name="index"/> is in the set.</summary>
    public bool Contains(long index) => index >= 0 && index < total && (_bits[index >> 6] & (1UL << (int)(index & 63))) != 0;

    /// <summary>Enumerates the indices in ascending order.</summary>
    public IEnumerator<long> GetEnumerator()
    {
        for (var w = 0; w < _bits.Length; w++)
        {
            var word = _bits[w];
            while (word != 0)
            {
                yield return (w * 64L) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
