using System.Diagnostics;
using Grid.Serialization;

namespace Grid.Client;

/// <summary>Gathers input items into batches that grow from 1 to at most <see cref="MaxBatchSize"/> items and stay within a message budget in bytes, and cuts a batch short when its items come slowly, so the first results never wait for a full batch.</summary>
/// <typeparam name="T">The input item type.</typeparam>
/// <remarks>Items whose type varies in size are measured (see <see cref="PayloadSize"/>) and their sizes go with the batch, so the job cuts its chunks within the budget too; an item over the budget travels in a batch of its own.</remarks>
internal sealed class InputBatcher<T>
{
    /// <summary>The most items sent in one batch.</summary>
    public const int MaxBatchSize = 4096;

    private static readonly long MaxBatchDelay = Stopwatch.Frequency / 200; // 5 ms
    private static readonly bool s_fixedSize = PayloadSize.FixedSizeOf(typeof(T)) is not null;
    private readonly int _maxSize;
    private readonly int _budget;
    private int _size = 1;
    private T[] _buffer = new T[1];
    private int[]? _sizes = s_fixedSize ? null : new int[1];
    private long _bytes;
    private int _count;
    private long _batchStarted;
    private (T Item, int Size)? _carry;

    /// <summary>Creates a batcher whose batches hold at most <paramref name="maxInFlight"/> items (0: at most <see cref="MaxBatchSize"/>) and, past their first item, at most <paramref name="byteBudget"/> bytes.</summary>
    public InputBatcher(int maxInFlight = 0, int byteBudget = int.MaxValue)
    {
        _maxSize = maxInFlight > 0 ? Math.Min(maxInFlight, MaxBatchSize) : MaxBatchSize;
        _budget = byteBudget;
    }

    /// <summary>Gets the index the next batch starts at.</summary>
    public long NextIndex { get; private set; }

    /// <summary>Gets the items held and not yet taken (an item held back for the next batch not counted until that batch begins).</summary>
    public int Count => _count;

    /// <summary>Adds an item; returns <see langword="true"/> when the batch should be sent now.</summary>
    /// <remarks>An item that would take a batch over its budget is held back to begin the next batch, which <see cref="Take"/> starts.</remarks>
    public bool Add(T item)
    {
        if (_count == 0)
        {
            _batchStarted = Stopwatch.GetTimestamp();
        }

        if (_sizes is not null)
        {
            var size = PayloadSize.Of(item);
            if (_count > 0 && _bytes + size > _budget)
            {
                _carry = (item, size);
                return true;
            }

            _sizes[_count] = size;
            _bytes += size;
        }

        _buffer[_count++] = item;
        return _count == _size || _bytes >= _budget || Stopwatch.GetTimestamp() - _batchStarted > MaxBatchDelay;
    }

    /// <summary>Takes the items held as an exact-size array, with their sizes when their type varies in size, and makes room for a larger next batch.</summary>
    public (long StartIndex, T[] Items, int[]? Sizes) Take()
    {
        var items = _buffer;
        var sizes = _sizes;
        if (_count < items.Length)
        {
            Array.Resize(ref items, _count);
            if (sizes is not null)
            {
                Array.Resize(ref sizes, _count);
            }
        }

        var start = NextIndex;
        NextIndex += _count;
        _count = 0;
        _bytes = 0;
        _size = Math.Min(_size * 4, _maxSize);
        _buffer = new T[_size];
        _sizes = sizes is null ? null : new int[_size];
        if (_carry is var (item, size))
        {
            // The item held back begins this batch.
            _carry = null;
            _batchStarted = Stopwatch.GetTimestamp();
            _buffer[0] = item;
            _sizes![0] = size;
            _bytes = size;
            _count = 1;
        }

        return (start, items, sizes);
    }
}
