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

    private readonly SharedRead<StoredJob[]> _list = new(Reuse, timeProvider);

    /// <summary>Gets the <paramref name="limit"/> (1 to <see cref="MaxLimit"/>) most recently submitted stored jobs, newest first.</summary>
    /// <exception cref="System.Data.Common.DbException">The job store cannot be reached or refused the query.</exception>
    public async Task<StoredJobsView> GetAsync(int limit, CancellationToken cancellationToken)
    {
        if (!store.IsConfigured)
        {
            return new StoredJobsView(HasStore: false, []);
        }

        var list = await _list.GetAsync(() => store.ListAsync(MaxLimit, CancellationToken.None)).WaitAsync(cancellationToken).ConfigureAwait(false);
        var activity = await cluster.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var kept = activity.SelectMany(a => a.Jobs).Select(j => j.JobId).ToHashSet();
        return new StoredJobsView(HasStore: true, [.. list.Take(Math.Clamp(limit, 1, MaxLimit)).Select(job => ToView(job, kept))]);
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
