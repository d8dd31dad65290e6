using Grid.Jobs;

namespace Grid.Stored;

/// <summary>Results on their way into the job store: one row per item (index, status, value as JSON or error, run time, worker, attempts), in the order they came.</summary>
internal sealed class StoredResults
{
    private readonly List<Row> _rows = [];

    /// <summary>Gets the rows.</summary>
    public IReadOnlyList<Row> Rows => _rows;

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
            _rows.Add(new Row(
                indexOf(result.StartIndex + i),
                error?.Status ?? ItemStatus.Ok,
                value,
                error,
                result.Durations[i],
                result.Worker,
                result.Attempts?[i] ?? 1));
        }
    }

    /// <summary>Adds rows made before.</summary>
    public void AddRows(IEnumerable<Row> rows) => _rows.AddRange(rows);

    /// <summary>Adds the result of an item that failed before reaching a kernel (its input could not be read).</summary>
    public void Add(long index, ItemError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _rows.Add(new Row(index, error.Status, null, error, TimeSpan.Zero, "none", 0));
    }

    /// <summary>Empties the buffer once its rows are stored.</summary>
    public void Clear() => _rows.Clear();

    /// <summary>One item's result as it is stored.</summary>
    public readonly record struct Row(long Index, ItemStatus Status, byte[]? Value, ItemError? Error, TimeSpan Duration, string Worker, int Attempts);
}
