using Grid.Dashboard.Cluster;
using Grid.Stored;

namespace Grid.Dashboard.Api;

/// <summary>Reads the cluster's stored jobs from the job store for the dashboard; one query serves every request for a second, so open pages add no load on the store.</summary>
internal sealed class StoredJobsReader(JobStore store, ClusterActivity cluster, TimeProvider timeProvider)
{
    /// <summary>The most stored jobs one answer lists.</summary>
    public const int MaxLimit = 200;

    /// <summary>The stored jobs an answer lists when the request names no limit.</summary>
    public const int DefaultLimit = 50;

    /// <summary>How long one read of the store serves every request.</summary>
    public static readonly TimeSpan Reuse = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private (Task<StoredJob[]>? List, long At) _last;

    /// <summary>Gets the <paramref name="limit"/> (1 to <see cref="MaxLimit"/>) most recently submitted stored jobs, newest first.</summary>
    /// <exception cref="System.Data.Common.DbException">The job store cannot be reached or refused the query.</exception>
    public async Task<StoredJobsView> GetAsync(int limit, CancellationToken cancellationToken)
    {
        if (!store.IsConfigured)
        {
            return new StoredJobsView(HasStore: false, []);
        }

        var list = await List().WaitAsync(cancellationToken).ConfigureAwait(false);
        var activity = await cluster.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var kept = activity.SelectMany(a => a.Jobs).Select(j => j.JobId).ToHashSet();
        return new StoredJobsView(HasStore: true, [.. list.Take(Math.Clamp(limit, 1, MaxLimit)).Select(job => ToView(job, kept))]);
    }

    // The latest read while it runs or is younger than Reuse, else a new one; a failed read is not reused. The read is not
    // cancelled with the request that started it, since other requests may be waiting for it.
    private Task<StoredJob[]> List()
    {
        var now = timeProvider.GetTimestamp();
        lock (_lock)
        {
            if (_last.List is not { } list || list.IsFaulted || list.IsCanceled || (list.IsCompleted && timeProvider.GetElapsedTime(_last.At, now) >= Reuse))
            {
                _last = (store.ListAsync(MaxLimit, CancellationToken.None), now);
            }

            return _last.List!;
        }
    }

    private static StoredJobView ToView(StoredJob job, HashSet<Guid> kept) => new(
        job.JobId,
        job.Kernel,
        job.State,
        job.Total,
        job.Completed,
        job.Succeeded,
        job.Failed,
        job.TimedOut,
        job.Cancelled,
        job.Submitted,
        job.Started,
        job.Finished,
        job.Owner,
        job.Runs,
        job.Error,
        job.RunJobId,
        job.RunJobId is { } run && kept.Contains(run));
}
