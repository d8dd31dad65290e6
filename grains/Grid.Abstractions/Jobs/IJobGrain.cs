namespace Grid.Jobs;

/// <summary>One job: takes the client's input in batches, cuts it into chunks for the workers and streams each item's result back as it completes.</summary>
/// <remarks>
/// The client calls <see cref="StartAsync"/> once, then <see cref="PushAsync"/> for each batch (each call returns when the job has room,
/// which is the input's backpressure), then <see cref="CompleteInputsAsync"/>, while it reads <see cref="ReadResultsAsync"/> to the end.
/// A map job is an <see cref="IMapJobGrain"/>, a fetch or upload job an <see cref="Fetch.IFetchGrain"/>; both speak this protocol.
/// </remarks>
public interface IJobGrain : IGrainWithGuidKey
{
    /// <summary>Checks the kernel and the limits and starts the job; throws a <see cref="GridException"/> naming what is wrong.</summary>
    Task StartAsync(JobSpec spec);

    /// <summary>Adds a batch of input items; completes once the job has room for more.</summary>
    Task PushAsync(InputBatch batch, CancellationToken cancellationToken);

    /// <summary>Tells the job its input has ended; <paramref name="inputError"/> says why, when reading it failed.</summary>
    Task CompleteInputsAsync(string? inputError);

    /// <summary>Streams the results chunk by chunk, in completion order (or input order when the job is ordered), until every item read has one.</summary>
    /// <remarks>While no result is ready it sends an empty batch (<see cref="ChunkResult.Count"/> 0) every second, so a reader can tell a slow job from a lost one.</remarks>
    IAsyncEnumerable<ChunkResult> ReadResultsAsync();

    /// <summary>Tells the job its client is still there; a cluster client calls it every second while the job runs.</summary>
    /// <remarks>Once a client has called it, a job that hears nothing for <c>Grid:Jobs:ClientTimeout</c> takes its client for gone and cancels itself.</remarks>
    [OneWay]
    Task KeepAliveAsync();

    /// <summary>Cancels the job: queued items are dropped and running kernels see their token.</summary>
    [OneWay]
    Task CancelAsync(string reason);

    /// <summary>Gets the job's summary; final once the results have ended.</summary>
    Task<JobSummary> GetSummaryAsync();
}
