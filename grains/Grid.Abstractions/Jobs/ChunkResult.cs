namespace Grid.Jobs;

/// <summary>The results of one chunk, kept as parallel arrays so that no per-item object is made on the way back.</summary>
/// <param name="JobId">The job the items belong to.</param>
/// <param name="ChunkId">The chunk's number within the job.</param>
/// <param name="StartIndex">The index of the first item in the job's input.</param>
/// <param name="Outputs">The kernel's values, an array of its output type (a failed item's is the default, or for fetch and upload jobs a description of the request); may be <see langword="null"/> when no item succeeded.</param>
/// <param name="Errors">Each item's error, <see langword="null"/> where it succeeded; the array itself is <see langword="null"/> when all did.</param>
/// <param name="Durations">How long the kernel ran on each item.</param>
/// <param name="Worker">The name of the worker that ran the chunk.</param>
/// <param name="Busy">How long the worker spent on the whole chunk.</param>
[GenerateSerializer]
[Immutable]
public sealed record ChunkResult(
    Guid JobId,
    long ChunkId,
    long StartIndex,
    Array? Outputs,
    ItemError?[]? Errors,
    TimeSpan[] Durations,
    string Worker,
    TimeSpan Busy)
{
    /// <summary>Gets when the worker began the chunk; the time from sending it to this is its queue wait.</summary>
    [Id(101)]
    public DateTimeOffset Started { get; init; }

    /// <summary>Gets how many times each item was run, or <see langword="null"/> when each ran once.</summary>
    [Id(102)]
    public int[]? Attempts { get; init; }

    /// <summary>Gets the number of items in the chunk.</summary>
    public int Count => Durations.Length;

    /// <summary>Makes the result of a chunk none of whose items ran, each ending with <paramref name="error"/>.</summary>
    public static ChunkResult NotRun(Chunk chunk, ItemError error, string worker)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var errors = new ItemError?[chunk.Count];
        Array.Fill(errors, error);
        return new ChunkResult(chunk.JobId, chunk.ChunkId, chunk.StartIndex, null, errors, new TimeSpan[chunk.Count], worker, TimeSpan.Zero);
    }

    /// <summary>Takes the results of <paramref name="length"/> consecutive items from <paramref name="offset"/> on, as a chunk result of their own.</summary>
    public ChunkResult Slice(int offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + length, Count, nameof(length));
        Array? outputs = null;
        if (Outputs is { } all)
        {
            outputs = Array.CreateInstance(all.GetType().GetElementType()!, length);
            Array.Copy(all, offset, outputs, 0, length);
        }

        return this with
        {
            StartIndex = StartIndex + offset,
            Outputs = outputs,
            Errors = Errors?[offset..(offset + length)],
            Durations = Durations[offset..(offset + length)],
            Attempts = Attempts?[offset..(offset + length)],
        };
    }

    /// <summary>Counts the items of each status.</summary>
    public (int Ok, int Failed, int TimedOut, int Cancelled) CountByStatus()
    {
        if (Errors is null)
        {
            return (Count, 0, 0, 0);
        }

        int ok = 0, failed = 0, timedOut = 0, cancelled = 0;
        foreach (var error in Errors)
        {
            switch (error?.Status)
            {
                case null: ok++; break;
                case ItemStatus.TimedOut: timedOut++; break;
                case ItemStatus.Cancelled: cancelled++; break;
                default: failed++; break;
            }
        }

        return (ok, failed, timedOut, cancelled);
    }
}
