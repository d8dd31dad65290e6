using Grid.Jobs;

namespace Grid.Stored;

/// <summary>Stored results of a job, in the order they were stored: each item's index, value (JSON) or error, run time, worker and attempts.</summary>
/// <param name="Indices">Each item's index in the job's input.</param>
/// <param name="Values">Each item's value as JSON (<c>null</c> where it did not succeed).</param>
/// <param name="Errors">Each item's error, <see langword="null"/> where it succeeded; the array itself is <see langword="null"/> when all did.</param>
/// <param name="Durations">How long the kernel ran on each item.</param>
/// <param name="Workers">The worker that ran each item.</param>
/// <param name="Attempts">How many times each item ran.</param>
[GenerateSerializer]
[Immutable]
public sealed record StoredResultBatch(long[] Indices, PackedItems Values, ItemError?[]? Errors, TimeSpan[] Durations, string[] Workers, int[] Attempts)
{
    /// <summary>Gets the number of results.</summary>
    public int Count => Indices.Length;

    /// <summary>Gets the job as it stood when the batch was read (its counts, its state), so a reader can show progress.</summary>
    [Id(101)]
    public StoredJob? Job { get; init; }

    /// <summary>Gets where in the job's stored results the batch ends: read again from here (<see cref="IStoredJobGrain.ReadResultsAsync"/>) to go on without a gap or a repeat.</summary>
    [Id(102)]
    public long Position { get; init; }
}
