using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Grid.Jobs;

namespace Grid.Stored;

/// <summary>Results of one job on their way into the job store, in the order they came: each item's row (index, status, value as JSON or
/// error, run time, worker, attempts) written at once as a tuple of PostgreSQL's binary COPY format, with its index and status kept beside.</summary>
/// <remarks>The tuples are made where the results are read, off the path of the store's writes, so a write only sends bytes: binary COPY
/// of the <c>grid_results</c> columns <c>job_id, idx, status, value, error_type, error_message, duration_us, worker, attempts</c>.</remarks>
internal sealed class StoredResults(Guid jobId)
{
    // The number of columns each tuple has.
    private const short Columns = 9;

    private readonly List<Row> _rows = [];
    private readonly ArrayBufferWriter<byte> _tuples = new();

    /// <summary>Gets the binary COPY header: the signature <c>PGCOPY\n\xff\r\n\0</c>, no flags, no header extension.</summary>
    public static ReadOnlyMemory<byte> CopyHeader { get; } = new byte[] {(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    /// <summary>Gets the binary COPY trailer, a tuple of -1 columns.</summary>
    public static ReadOnlyMemory<byte> CopyTrailer { get; } = new byte[] { 0xff, 0xff };

    /// <summary>Gets the job the results are of.</summary>
    public Guid JobId => jobId;

    /// <summary>Gets the rows.</summary>
    public IReadOnlyList<Row> Rows => _rows;

    /// <summary>Gets the rows as binary COPY tuples, in the same order, without the header and trailer.</summary>
    public ReadOnlyMemory<byte> Tuples => _tuples.WrittenMemory;

    /// <summary>Gets the number of rows.</summary>
    public int Count => _rows.Count;

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

    /// <summary>Adds the rows, and their tuples, of <paramref name="other"/> results of the same job.</summary>
    public void Add(StoredResults other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.JobId != jobId)
        {
            throw new ArgumentException($"Results of job {other.JobId} cannot join those of job {jobId}.", nameof(other));
        }

        _rows.AddRange(other._rows);
        _tuples.Write(other.Tuples.Span);
    }

    /// <summary>Adds the result of an item that failed before reaching a kernel (its input could not be read).</summary>
    public void Add(long index, ItemError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Add(index, null, error, TimeSpan.Zero, "none", 0);
    }

    /// <summary>Empties the buffer once its rows are stored.</summary>
    public void Clear()
    {
        _rows.Clear();
        _tuples.ResetWrittenCount();
    }

    // Keeps the row's index and status, and writes it as one tuple: the column count, then each column as its length (-1 for NULL)
    // and its bytes, integers in network order.
    private void Add(long index, byte[]? value, ItemError? error, TimeSpan duration, string worker, int attempts)
    {
        var status = error?.Status ?? ItemStatus.Ok;
        _rows.Add(new Row(index, status));
        WriteInt16(Columns);
        WriteInt32(16);
        jobId.TryWriteBytes(_tuples.GetSpan(16), bigEndian: true, out _);
        _tuples.Advance(16);
        WriteInt32(8);
        WriteInt64(index);
        WriteInt32(2);
        WriteInt16((short)status);
        WriteBytes(value);
        WriteText(error?.Type);
        WriteText(error?.Message);
        WriteInt32(8);
        WriteInt64(duration.Ticks / TimeSpan.TicksPerMicrosecond);
        WriteText(worker);
        WriteInt32(4);
        WriteInt32(attempts);
    }

    private void WriteBytes(byte[]? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }

        WriteInt32(value.Length);
        _tuples.Write(value);
    }

    private void WriteText(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt32(length);
        Encoding.UTF8.GetBytes(value, _tuples.GetSpan(length));
        _tuples.Advance(length);
    }

    private void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(_tuples.GetSpan(2), value);
        _tuples.Advance(2);
    }

    private void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_tuples.GetSpan(4), value);
        _tuples.Advance(4);
    }

    private void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_tuples.GetSpan(8), value);
        _tuples.Advance(8);
    }

    /// <summary>What a result's row is kept as beside its tuple: the item's index and how it ended.</summary>
    public readonly record struct Row(long Index, ItemStatus Status);
}
