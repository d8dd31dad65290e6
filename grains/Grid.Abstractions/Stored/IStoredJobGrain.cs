using Grid.Jobs;

namespace Grid.Stored;

/// <summary>One stored (detached) job, as a client sees it: submit it, read its results, cancel it or forget it; the job store holds everything, so any activation on any silo serves it.</summary>
/// <remarks>
/// Submission is <see cref="CreateAsync"/>, then <see cref="AppendAsync"/> for each batch of inputs in order (each returns once the batch is
/// stored, which is the input's backpressure), then <see cref="SealAsync"/>; the job is then queued, and a silo takes it and runs it without
/// its client. Every method throws a <see cref="GridException"/> saying so when the silos have no job store (<c>Grid:Jobs:Store</c>).
/// </remarks>
public interface IStoredJobGrain : IGrainWithGuidKey
{
    /// <summary>Checks the kernel and the limits and stores the job as <see cref="StoredJobState.Submitting"/>; throws a <see cref="GridException"/> naming what is wrong.</summary>
    Task CreateAsync(JobSpec spec);

    /// <summary>Stores a batch of inputs that begins at <paramref name="startIndex"/>, the next index of the job's input.</summary>
    Task AppendAsync(long startIndex, Immutable<PackedItems> items);

    /// <summary>Ends the job's input at <paramref name="total"/> items and queues it.</summary>
    Task<StoredJob> SealAsync(long total);

    /// <summary>Gets the job as stored now, or <see langword="null"/> when there is no such job (never submitted, or forgotten).</summary>
    Task<StoredJob?> GetAsync();

    /// <summary>Streams the job's results from <paramref name="position"/> (0 for the first; a batch's <see cref="StoredResultBatch.Position"/> to go on after it): the stored ones first, then the rest as they are stored, until the job has ended; only failed, timed-out and cancelled items with <paramref name="failedOnly"/>.</summary>
    /// <remarks>
    /// Each index comes once. Items that never ran because the job was cancelled, timed out or stopped come at the end with a result
    /// saying so. While nothing new is stored, an empty batch comes every second with the job's state, so a reader can tell a slow job from a lost one.
    /// </remarks>
    IAsyncEnumerable<StoredResultBatch> ReadResultsAsync(bool failedOnly, long position);

    /// <summary>Gets the job's summary: final once it has ended, so far until then.</summary>
    Task<JobSummary> GetSummaryAsync();

    /// <summary>Cancels the job: a queued job ends at once; a running one's owner drops its queued items and signals its running kernels.</summary>
    Task<StoredJob> CancelAsync(string reason);

    /// <summary>Deletes the job with its inputs and results; a job that has not ended is refused (cancel it first).</summary>
    Task ForgetAsync();
}

/// <summary>The stored jobs of the cluster as a list, served by any silo with a job store.</summary>
public interface IStoredJobsGrain : IGrainWithIntegerKey
{
    /// <summary>Lists the <paramref name="limit"/> most recently submitted jobs, newest first.</summary>
    Task<StoredJob[]> ListAsync(int limit);
}
