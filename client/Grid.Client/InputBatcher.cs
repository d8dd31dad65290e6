using System.Diagnostics;

namespace Grid.Client;

/// <summary>Gathers input items into batches that grow from 1 to at most <see cref="MaxBatchSize"/>, and cuts a batch short when its items come slowly, so the first results never wait for a full batch.</summary>
/// <typeparam name="T">The input item type.</typeparam>
internal sealed class InputBatcher<T>
{
    /// <summary>The most items sent in one batch.</summary>
    public const int MaxBatchSize = 4096;

    private static readonly long MaxBatchDelay = Stopwatch.Frequency / 200; // 5 ms
    private readonly int _maxSize;
    private int _size = 1;
    private T[] _buffer = new T[1];
    private int _count;
    private long _batchStarted;

    /// <summary>Creates a batcher whose batches hold at most <paramref name="maxInFlight"/> items (0: at most <see cref="MaxBatchSize"/>).</summary>
    public InputBatcher(int maxInFlight = 0)
        => _maxSize = maxInFlight > 0 ? Math.Min(maxInFlight, MaxBatchSize) : MaxBatchSize;

    /// <summary>Gets the index the next batch starts at.</summary>
    public long NextIndex { get; private set; }

    /// <summary>Gets the items held and not yet taken.</summary>
    public int Count => _count;

    /// <summary>Adds an item; returns <see langword="true"/> when the batch should be sent now.</summary>
    public bool Add(T item)
    {
        if (_count == 0)
        {
            _batchStarted = Stopwatch.GetTimestamp();
        }

        _buffer[_count++] = item;
        return _count == _size || Stopwatch.GetTimestamp() - _batchStarted > MaxBatchDelay;
    }

    /// <summary>Takes the items held as an exact-size array and makes room for a larger next batch.</summary>
    public (long StartIndex, T[] Items) Take()
    {
        var items = _buffer;
        if (_count < items.Length)
        {
            Array.Resize(ref items, _count);
        }

        var start = NextIndex;
        NextIndex += _count;
        _count = 0;
        _size = Math.Min(_size * 4, _maxSize);
        _buffer = new T[_size];
        return (start, items);
    }
}
