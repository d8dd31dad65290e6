using Grid.Jobs;

namespace Grid.Client;

/// <summary>A running map job: enumerate it (once) to get each item's result as it completes, then read its summary.</summary>
/// <typeparam name="TOut">The kernel's output type.</typeparam>
public sealed class GridJob<TOut> : IAsyncEnumerable<ItemResult<TOut>>
{
    /// <summary>Gets the job's identity.</summary>
    public Guid Id { get; }

    /// <summary>Gets the job's summary, available once the results have been read to the end (or the job failed or was cancelled).</summary>
    public Task<JobSummary> Summary => throw new NotImplementedException();

    /// <inheritdoc />
    public IAsyncEnumerator<ItemResult<TOut>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        => throw new NotImplementedException();
}
