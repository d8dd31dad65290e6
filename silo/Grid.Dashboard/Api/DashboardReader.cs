using Grid.Monitoring;
using Grid.Hosting;

namespace Grid.Dashboard.Api;

/// <summary>Turns the silo's and the jobs' monitors into the dashboard's views; every read copies a bounded snapshot and never waits on a grain.</summary>
internal sealed class DashboardReader(JobMonitor jobs, SiloMonitor silo, TimeProvider timeProvider, IClusterDirectory? cluster = null)
{
    /// <summary>How long one update serves every stream that asks for it.</summary>
    public static readonly TimeSpan UpdateReuse = TimeSpan.FromMilliseconds(250);

    private readonly Lock _updateLock = new();
    private (DashboardUpdate? Update, long At) _firstUpdate;
    private (DashboardUpdate? Update, long At) _nextUpdate;

    /// <summary>The seconds of throughput each update after the first carries; the page merges them by time.</summary>
    public const int RecentThroughputSeconds = 5;

    // The CPU share is measured between two readings; readings closer than this reuse the last figure so that it does not jitter.
    private static readonly TimeSpan CpuWindow = TimeSpan.FromMilliseconds(250);

    private readonly Lock _cpuLock = new();
    private long _cpuSampledAt;
    private double _cpuSecondsAtSample = double.NaN;
    private double _cpuPercent;

    /// <summary>Gets the silos of the cluster: the one this dashboard runs in first, then the others its cluster knows of.</summary>
    public IReadOnlyList<SiloView> GetSilos()
    {
        var snapshot = silo.GetSnapshot();
        var uptime = Math.Max(0, (timeProvider.GetUtcNow() - snapshot.Started).TotalSeconds);
        var peers = cluster?.GetPeers().Select(Peer) ?? [];
        return
        [
            new SiloView(
                snapshot.Name,
                snapshot.Started,
                uptime,
                snapshot.MaxWorkers,
                snapshot.LiveWorkers,
                snapshot.BusyWorkers,
                snapshot.Activations,
                snapshot.QueuedCalls,
                snapshot.WorkingSetBytes,
                snapshot.CpuSeconds,
                CpuPercent(snapshot.CpuSeconds, snapshot.Cores, uptime),
                snapshot.Cores),
            .. peers,
        ];
    }

    /// <summary>Describes another silo of the cluster from its latest heartbeat; its CPU share is its average since it started.</summary>
    private SiloView Peer(SiloSnapshot peer)
    {
        var uptime = Math.Max(0, (timeProvider.GetUtcNow() - peer.Started).TotalSeconds);
        var cpuPercent = uptime > 0 && peer.Cores > 0 ? Math.Clamp(100 * peer.CpuSeconds / (uptime * peer.Cores), 0, 100) : 0;
        return new SiloView(peer.Name, peer.Started, uptime, peer.MaxWorkers, peer.LiveWorkers, peer.BusyWorkers, peer.Activations, peer.QueuedCalls, peer.WorkingSetBytes, peer.CpuSeconds, cpuPercent, peer.Cores);
    }

    /// <summary>Gets the running jobs, newest first, then the finished ones, newest first.</summary>
    public IReadOnlyList<JobView> GetJobs() => [.. jobs.GetJobs().Select(ToView)];

    /// <summary>Gets a job with its chunk waterfall and its diagnosis, or <see langword="null"/> when the silo does not know it.</summary>
    public JobTraceView? GetJob(Guid jobId)
    {
        if (jobs.GetJob(jobId) is not { } detail)
        {
            return null;
        }

        var started = detail.Job.Started;
        var chunks = new ChunkView[detail.Chunks.Count];
        var lanes = new Dictionary<string, (long Chunks, long Items, TimeSpan Busy)>(StringComparer.Ordinal);
        var busy = TimeSpan.Zero;
        for (var i = 0; i < chunks.Length; i++)
        {
            var chunk = detail.Chunks[i];
            chunks[i] = new ChunkView(
                chunk.ChunkId,
                chunk.Worker,
                chunk.StartIndex,
                chunk.Items,
                chunk.Failed,
                Milliseconds(chunk.Dispatched - started),
                Milliseconds(chunk.Started - started),
                Milliseconds(chunk.Ended - started),
                chunk.QueueWait.TotalMilliseconds);
            var run = chunk.Ended - chunk.Started;
            busy += run;
            lanes[chunk.Worker] = lanes.TryGetValue(chunk.Worker, out var lane)
                ? (lane.Chunks + 1, lane.Items + chunk.Items, lane.Busy + run)
                : (1, chunk.Items, run);
        }

        var diagnosis = JobDiagnosis.Of(detail);
        return new JobTraceView(
            ToView(detail.Job),
            chunks,
            detail.ChunksDropped,
            [.. lanes.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new WorkerLaneView(l.Key, l.Value.Chunks, l.Value.Items, l.Value.Busy.TotalMilliseconds))],
            busy.TotalMilliseconds,
            diagnosis.Efficiency,
            diagnosis);
    }

    /// <summary>Gets the items finished per second over the last <paramref name="seconds"/> seconds, oldest first.</summary>
    public IReadOnlyList<ThroughputPointView> GetThroughput(int seconds)
        => [.. jobs.GetThroughput(Math.Clamp(seconds, 1, JobMonitor.ThroughputSeconds)).Select(p => new ThroughputPointView(p.Second.ToUnixTimeMilliseconds(), p.Items, p.Failed))];

    /// <summary>Gets the latest item errors, newest first.</summary>
    public IReadOnlyList<ErrorView> GetErrors()
        => [.. jobs.GetRecentErrors().Select(e => new ErrorView(e.At, e.JobId, e.Kernel, e.Index, e.Error.Status, e.Error.Type, e.Error.Message))];

    /// <summary>Gets what the event stream pushes: the whole throughput history when <paramref name="first"/>, else its latest seconds.</summary>
    /// <remarks>An update is made at most once per <see cref="UpdateReuse"/> and shared by every open stream, so viewers add no load on the silo.</remarks>
    public DashboardUpdate GetUpdate(bool first)
    {
        var now = timeProvider.GetTimestamp();
        lock (_updateLock)
        {
            ref var cached = ref first ? ref _firstUpdate : ref _nextUpdate;
            if (cached.Update is null || timeProvider.GetElapsedTime(cached.At, now) >= UpdateReuse)
            {
                cached = (MakeUpdate(first), now);
            }

            return cached.Update;
        }
    }

    private DashboardUpdate MakeUpdate(bool first)
    {
        var errors = jobs.GetRecentErrors();
        return new DashboardUpdate(
            timeProvider.GetUtcNow(),
            GetSilos(),
            GetJobs(),
            GetThroughput(first ? JobMonitor.ThroughputSeconds : RecentThroughputSeconds),
            errors.Count,
            errors.Count > 0 ? errors[0].At : null);
    }

    private static JobView ToView(JobSnapshot job) => new(
        job.JobId,
        job.Kernel,
        job.Started,
        job.Read,
        job.Total,
        job.Succeeded,
        job.Failed,
        job.TimedOut,
        job.Cancelled,
        job.Completed,
        job.Workers,
        job.Outcome,
        job.Elapsed.TotalMilliseconds,
        job.ItemsPerSecond);

    private static double Milliseconds(TimeSpan span) => Math.Max(0, span.TotalMilliseconds);

    private double CpuPercent(double cpuSeconds, int cores, double uptimeSeconds)
    {
        lock (_cpuLock)
        {
            var now = timeProvider.GetTimestamp();
            if (double.IsNaN(_cpuSecondsAtSample))
            {
                // No earlier reading: the average since the silo started is the best first figure.
                (_cpuSampledAt, _cpuSecondsAtSample) = (now, cpuSeconds);
                _cpuPercent = uptimeSeconds > 0 ? Math.Clamp(100 * cpuSeconds / (uptimeSeconds * Math.Max(1, cores)), 0, 100) : 0;
                return _cpuPercent;
            }

            var wall = timeProvider.GetElapsedTime(_cpuSampledAt, now);
            if (wall >= CpuWindow)
            {
                _cpuPercent = Math.Clamp(100 * (cpuSeconds - _cpuSecondsAtSample) / (wall.TotalSeconds * Math.Max(1, cores)), 0, 100);
                (_cpuSampledAt, _cpuSecondsAtSample) = (now, cpuSeconds);
            }

            return _cpuPercent;
        }
    }
}
