using Grid.Jobs;

namespace Grid.Client;

/// <summary>A map job: enumerate it once to start it and get each item's result as it completes, then read its <see cref="Summary"/>.</summary>
/// <typeparam name="TOut">The kernel's output type.</typeparam>
/// <remarks>
/// Leaving the enumeration early (a <c>break</c>, an exception, or cancellation) cancels the job: queued items are dropped and running
/// kernels see their token. When the job's time limit passes, the enumeration delivers every result it has and then throws a
/// <see cref="JobTimeoutException"/>.
/// </remarks>
public sealed class GridJob<TOut> : IAsyncEnumerable<ItemResult<TOut>>
{
    private readonly Func<CancellationToken, IAsyncEnumerable<ItemResult<TOut>>> _run;
    private readonly TaskCompletionSource<JobSummary> _summary = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _enumerated;

    internal GridJob(Guid id, Func<GridJob<TOut>, CancellationToken, IAsyncEnumerable<ItemResult<TOut>>> run)
    {
        Id = id;
        _run = token => run(this, token);
    }

    /// <summary>Gets the job's identity.</summary>
    public Guid Id { get; }

    /// <summary>Gets the job's summary; it completes when the enumeration ends, and is cancelled or faulted when the job could not finish.</summary>
    public Task<JobSummary> Summary => _summary.Task;

    /// <inheritdoc />
    public IAsyncEnumerator<ItemResult<TOut>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException($"Job {Id} has already been enumerated; a job runs once, so call Map again to run it again.");
        }

        return _run(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    internal void SetSummary(JobSummary summary) => _summary.TrySetResult(summary);

    internal void SetFailed(Exception exception)
    {
        if (exception is OperationCanceledException cancelled)
        {
            _summary.TrySetCanceled(cancelled.CancellationToken);
        }
        else
        {
            _summary.TrySetException(exception);
        }
    }
}
