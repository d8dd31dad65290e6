using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Grid.Jobs;

namespace Grid.Stored;

/// <summary>Results of one job on their way into the job store, in the order they came: one block of the store's <c>grid_result_blocks</c>,
/// its rows (each item's status, run time, attempts, value as JSON or error) packed back to back as they are added.</summary>
/// <remarks>
/// <para>
/// A block is one row of the store however many results it holds, so storing a million results costs some hundred rows and index
/// entries, not a million. The store sees of a block what it queries: the items' indices, how many did not succeed, and each worker's
/// items and busy time; the rest is this type's packed format, read back by <see cref="Read"/>.
/// </para>
/// <para>
/// Each row is packed as its status (one byte), its run time in microseconds (8 bytes), its attempts (4), its value's length and bytes
/// (length -1 for none), and, when it did not succeed, its error's type and message (a length and UTF-8 each); integers little-endian.
/// The row's worker is an ordinal into the block's workers, kept apart so that two blocks join by copying bytes.
/// </para>
/// <para>
/// Every block carries a write id, the same however often one write is made: a write repeated after its commit went unanswered finds
/// its block stored and stores nothing twice.
/// </para>
/// </remarks>
internal sealed class StoredResults(Guid jobId)
{
    /// <summary>The most rows one block holds; a reader's position within a block takes this many values.</summary>
    public const int MaxRows = 1 << PositionBits;

    // The low bits of a reader's position: the rows of the block it reads already read; the high bits are the block's store order.
    private const int PositionBits = 24;

    private readonly List<Row> _rows = [];
    private readonly List<short> _rowWorkers = [];
    private readonly ArrayBufferWriter<byte> _data = new();
    private readonly List<string> _workers = [];
    private readonly List<int> _workerItems = [];
    private readonly List<long> _workerBusy = [];
    private readonly Dictionary<string, short> _workerOrdinals = new(StringComparer.Ordinal);
    private int _failed;

    /// <summary>Gets the job the results are of.</summary>
    public Guid JobId => jobId;

    /// <summary>Gets the write id the block is stored under; a new one after <see cref="Clear"/>.</summary>
    public Guid WriteId { get; private set; } = Guid.NewGuid();

    /// <summary>Gets the rows' indices and statuses.</summary>
    public IReadOnlyList<Row> Rows => _rows;

    /// <summary>Gets the number of rows.</summary>
    public int Count => _rows.Count;

    /// <summary>Gets the number of packed bytes.</summary>
    public int Bytes => _data.WrittenCount;

    /// <summary>Gets the number of rows that did not succeed.</summary>
    public int FailedCount => _failed;

    /// <summary>Gets the rows packed back to back.</summary>
    public ReadOnlyMemory<byte> Data => _data.WrittenMemory;

    /// <summary>Gets each row's index.</summary>
    public long[] Indices() => [.. _rows.Select(r => r.Index)];

    /// <summary>Gets each row's worker, an ordinal into <see cref="Workers"/>.</summary>
    public short[] RowWorkers() => [.. _rowWorkers];

    /// <summary>Gets the workers that ran the rows, each once.</summary>
    public string[] Workers() => [.. _workers];

    /// <summary>Gets how many rows each of <see cref="Workers"/> ran.</summary>
    public int[] WorkerItems() => [.. _workerItems];

    /// <summary>Gets how long, in microseconds, each of <see cref="Workers"/> ran its rows.</summary>
    public long[] WorkerBusyMicroseconds() => [.. _workerBusy];

    /// <summary>Counts the rows of each status.</summary>
    public (long Ok, long Failed, long TimedOut, long Cancelled) CountByStatus()
    {
        long ok = 0, failed = 0, timedOut = 0, cancelled = 0;
        foreach (var row in _rows)
        {
            switch (row.Status)
            {
                case ItemStatus.Ok: ok++; break;
                case ItemStatus.TimedOut: timedOut++; break;
                case ItemStatus.Cancelled: cancelled++; break;
                default: failed++; break;
            }
        }

        return (ok, failed, timedOut, cancelled);
    }

    /// <summary>Adds a chunk's results, each item's index given by <paramref name="indexOf"/> (the job's own index of the run's item).</summary>
    public void Add(ChunkResult result, Func<long, long> indexOf)
    {
        ArgumentNullException.ThrowIfNull(result);
        var json = result.Outputs is { } typed ? ItemJson.Of(typed.GetType().GetElementType()!) : null;
        for (var i = 0; i < result.Count; i++)
        {
            var error = result.Errors?[i];
            var value = error is null && result.Outputs is { } outputs
                ? json!.Write(outputs, i)
                : null;
            Add(indexOf(result.StartIndex + i), value, error, result.Durations[i], result.Worker, result.Attempts?[i] ?? 1);
        }
    }

    /// <summary>Adds the rows of <paramref name="other"/> results of the same job.</summary>
    public void Add(StoredResults other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.JobId != jobId)
        {
            throw new ArgumentException($"Results of job {other.JobId} cannot join those of job {jobId}.", nameof(other));
        }

        CheckRoom(other.Count);
        var ordinals = new short[other._workers.Count];
        for (var w = 0; w < ordinals.Length; w++)
        {
            ordinals[w] = WorkerOrdinal(other._workers[w]);
            _workerItems[ordinals[w]] += other._workerItems[w];
            _workerBusy[ordinals[w]] += other._workerBusy[w];
        }

        _rows.AddRange(other._rows);
        foreach (var worker in other._rowWorkers)
        {
            _rowWorkers.Add(ordinals[worker]);
        }

        _data.Write(other.Data.Span);
        _failed += other._failed;
    }

    /// <summary>Adds the result of an item that failed before reaching a kernel (its input could not be read, or never ran).</summary>
    public void Add(long index, ItemError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Add(index, null, error, TimeSpan.Zero, NoWorker, 0);
    }

    /// <summary>Adds one result as its fields are stored.</summary>
    public void Add(long index, byte[]? value, ItemError? error, TimeSpan duration, string worker, int attempts)
    {
        CheckRoom(1);
        var status = error?.Status ?? ItemStatus.Ok;
        _rows.Add(new Row(index, status));
        var ordinal = WorkerOrdinal(worker);
        _rowWorkers.Add(ordinal);
        var micros = duration.Ticks / TimeSpan.TicksPerMicrosecond;
        _workerItems[ordinal]++;
        _workerBusy[ordinal] += micros;
        var head = _data.GetSpan(13);
        head[0] = (byte)status;
        BinaryPrimitives.WriteInt64LittleEndian(head[1..], micros);
        BinaryPrimitives.WriteInt32LittleEndian(head[9..], attempts);
        _data.Advance(13);
        WriteBytes(value);
        if (status != ItemStatus.Ok)
        {
            _failed++;
            WriteText(error!.Type);
            WriteText(error.Message);
        }
    }

    /// <summary>Empties the buffer once its rows are stored; what is added next is another write, of another write id.</summary>
    public void Clear()
    {
        _rows.Clear();
        _rowWorkers.Clear();
        _data.ResetWrittenCount();
        _workers.Clear();
        _workerItems.Clear();
        _workerBusy.Clear();
        _workerOrdinals.Clear();
        _failed = 0;
        WriteId = Guid.NewGuid();
    }

    /// <summary>The worker a result that never reached one is stored with.</summary>
    public const string NoWorker = "none";

    /// <summary>The reader's position of a block's first row: read from there, a reader gets the block whole.</summary>
    public static long PositionOf(long blockSeq, int rowsRead) => (blockSeq << PositionBits) | (uint)rowsRead;

    /// <summary>The block a reader's position is in, and how many of its rows were read already.</summary>
    public static (long BlockSeq, int RowsRead) FromPosition(long position) => (position >> PositionBits, (int)(position & (MaxRows - 1)));

    /// <summary>Reads a stored block's rows from row <paramref name="skip"/> on into <paramref name="into"/>, while <paramref name="more"/> says so; only the rows that did not succeed with <paramref name="failedOnly"/>. Returns the rows of the block passed (read or left out).</summary>
    public static int Read(long[] indices, short[] rowWorkers, string[] workers, ReadOnlySpan<byte> data, int skip, bool failedOnly, ResultBatchBuilder into, Func<bool> more)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(rowWorkers);
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(more);
        var offset = 0;
        var row = 0;
        for (; row < indices.Length; row++)
        {
            if (row >= skip && !more())
            {
                break;
            }

            var status = (ItemStatus)data[offset];
            var micros = BinaryPrimitives.ReadInt64LittleEndian(data[(offset + 1)..]);
            var attempts = BinaryPrimitives.ReadInt32LittleEndian(data[(offset + 9)..]);
            offset += 13;
            var value = ReadBytes(data, ref offset);
            ItemError? error = null;
            if (status != ItemStatus.Ok)
            {
                var type = ReadText(data, ref offset);
                var message = ReadText(data, ref offset);
                error = new ItemError(status, type ?? string.Empty, message ?? string.Empty);
            }

            if (row >= skip && (!failedOnly || error is not null))
            {
                into.Add(indices[row], value, error, TimeSpan.FromMicroseconds(micros), workers[rowWorkers[row]], attempts);
            }
        }

        return row;
    }

    private void CheckRoom(int rows)
    {
        if (_rows.Count + rows > MaxRows)
        {
            throw new InvalidOperationException($"A block of stored results holds at most {MaxRows} rows; this one has {_rows.Count} and was given {rows} more.");
        }
    }

    private short WorkerOrdinal(string worker)
    {
        if (_workerOrdinals.TryGetValue(worker, out var ordinal))
        {
            return ordinal;
        }

        if (_workers.Count == short.MaxValue)
        {
            throw new InvalidOperationException($"A block of stored results names at most {short.MaxValue} workers.");
        }

        ordinal = (short)_workers.Count;
        _workers.Add(worker);
        _workerItems.Add(0);
        _workerBusy.Add(0);
        _workerOrdinals.Add(worker, ordinal);
        return ordinal;
    }

    // A length, -1 for none, then that many bytes.
    private void WriteLength(int length)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_data.GetSpan(4), length);
        _data.Advance(4);
    }

    private void WriteBytes(byte[]? value)
    {
        WriteLength(value?.Length ?? -1);
        _data.Write(value);
    }

    private void WriteText(string? value)
    {
        if (value is null)
        {
            WriteLength(-1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteLength(length);
        Encoding.UTF8.GetBytes(value, _data.GetSpan(length));
        _data.Advance(length);
    }

    private static ReadOnlySpan<byte> ReadSpan(ReadOnlySpan<byte> data, ref int offset, out bool isNull)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
        offset += 4;
        isNull = length < 0;
        if (isNull)
        {
            return [];
        }

        var span = data.Slice(offset, length);
        offset += length;
        return span;
    }

    private static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> data, ref int offset) => ReadSpan(data, ref offset, out _);

    private static string? ReadText(ReadOnlySpan<byte> data, ref int offset)
    {
        var span = ReadSpan(data, ref offset, out var isNull);
        return isNull ? null : Encoding.UTF8.GetString(span);
    }

    /// <summary>What a result's row is kept as beside its packed bytes: the item's index and how it ended.</summary>
    public readonly record struct Row(long Index, ItemStatus Status);
}

/// <summary>Gathers stored results read back into one <see cref="StoredResultBatch"/>, counting the bytes of their values and errors.</summary>
internal sealed class ResultBatchBuilder
{
    private readonly List<long> _indices = [];
    private readonly List<ItemError?> _errors = [];
    private readonly List<TimeSpan> _durations = [];
    private readonly List<string> _workers = [];
    private readonly List<int> _attempts = [];
    private readonly ArrayBufferWriter<byte> _values = new();
    private readonly List<int> _ends = [];
    private bool _anyError;

    /// <summary>Gets the number of results gathered.</summary>
    public int Count => _indices.Count;

    /// <summary>Gets about how many bytes the batch takes in a message.</summary>
    public long Bytes { get; private set; }

    /// <summary>Adds one result.</summary>
    public void Add(long index, ReadOnlySpan<byte> value, ItemError? error, TimeSpan duration, string worker, int attempts)
    {
        _indices.Add(index);
        _values.Write(value);
        _ends.Add(_values.WrittenCount);
        _errors.Add(error);
        _anyError |= error is not null;
        _durations.Add(duration);
        _workers.Add(worker);
        _attempts.Add(attempts);
        Bytes += 48 + value.Length + worker.Length + (error is null ? 0 : 3 * (error.Type.Length + error.Message.Length));
    }

    /// <summary>Makes the batch of the results gathered.</summary>
    public StoredResultBatch Build() => new(
        [.. _indices],
        new PackedItems(_values.WrittenSpan.ToArray(), [.. _ends]),
        _anyError ? [.. _errors] : null,
        [.. _durations],
        [.. _workers],
        [.. _attempts]);
}
