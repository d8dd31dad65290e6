using Grid.Monitoring;
using Grid.Dashboard.Cluster;
using Grid.Hosting;

namespace Grid.Dashboard.Api;

/// <summary>Turns the cluster's monitors into the dashboard's views: this silo's and its peers' silos, every silo's jobs, errors and throughput, and any job's trace; every read is bounded.</summary>
internal sealed class DashboardReader(SiloMonitor silo, ClusterActivity cluster, TimeProvider timeProvider, IClusterDirectory? directory = null)
{
    /// <summary>How long one update serves every stream that asks for it.</summary>
    public static readonly TimeSpan UpdateReuse = TimeSpan.FromMilliseconds(250);

    private readonly SharedRead<DashboardUpdate> _firstUpdate = new(UpdateReuse, timeProvider);
    private readonly SharedRead<DashboardUpdate> _nextUpdate = new(UpdateReuse, timeProvider);

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
        var peers = directory?.GetPeers().Select(Peer) ?? [];
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

    /// <summary>Gets every job of the cluster, wherever its grain lives: running ones newest first, then finished ones newest first.</summary>
    public async Task<IReadOnlyList<JobView>> GetJobsAsync() => Jobs(await cluster.GetAsync().ConfigureAwait(false));

    /// <summary>Gets a job of the cluster with its chunk waterfall, its silos' share and its diagnosis, or <see langword="null"/> with the silos
    /// that did not answer in time (none when every live silo said it does not keep the job).</summary>
    public async Task<(JobTraceView? Trace, IReadOnlyList<string> Silent)> GetJobAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var search = await cluster.FindJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (search is not { Silo: { } jobSilo, Job: { } detail })
        {
            return (null, search.Silent);
        }

        var started = detail.Job.Started;
        var chunks = new ChunkView[detail.Chunks.Length];
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

        // Lanes grouped by silo, the silos by name, so the waterfall reads one silo after the other.
        WorkerLaneView[] workers =
        [
            .. lanes
                .Select(l => new WorkerLaneView(l.Key, l.Value.Chunks, l.Value.Items, l.Value.Busy.TotalMilliseconds, SiloOfWorker(l.Key)))
                .OrderBy(l => l.Silo, StringComparer.Ordinal)
                .ThenBy(l => l.Worker.Length)
                .ThenBy(l => l.Worker, StringComparer.Ordinal),
        ];
        var diagnosis = JobDiagnosis.Of(detail);
        return (new JobTraceView(
            ToView(detail.Job, jobSilo),
            chunks,
            detail.ChunksDropped,
            workers,
            busy.TotalMilliseconds,
            diagnosis.Efficiency,
            jobSilo,
            SilosOf(detail.Job, workers, GetSilos()),
            diagnosis), []);
    }

    /// <summary>Gets the items the cluster's jobs finished per second over the last <paramref name="seconds"/> seconds, oldest first.</summary>
    public async Task<IReadOnlyList<ThroughputPointView>> GetThroughputAsync(int seconds)
        => Total(await cluster.GetAsync().ConfigureAwait(false), Math.Clamp(seconds, 1, JobMonitor.ThroughputSeconds));

    /// <summary>Gets the items each silo's workers ran per second over the last <paramref name="seconds"/> seconds, oldest first.</summary>
    public async Task<IReadOnlyList<SiloThroughputView>> GetSiloThroughputAsync(int seconds)
        => PerSilo(await cluster.GetAsync().ConfigureAwait(false), Math.Clamp(seconds, 1, JobMonitor.ThroughputSeconds));

    /// <summary>Gets the latest item errors of every silo's jobs, newest first, at most <see cref="JobMonitor.MaxErrors"/>.</summary>
    public async Task<IReadOnlyList<ErrorView>> GetErrorsAsync() => Errors(await cluster.GetAsync().ConfigureAwait(false));

    /// <summary>Gets what the event stream pushes: the whole throughput history when <paramref name="first"/>, else its latest seconds.</summary>
    /// <remarks>An update is made at most once per <see cref="UpdateReuse"/> and shared by every open stream, so more viewers add no more load on the cluster.</remarks>
    public Task<DashboardUpdate> GetUpdateAsync(bool first)
        => first ? _firstUpdate.GetAsync(() => MakeUpdateAsync(first: true)) : _nextUpdate.GetAsync(() => MakeUpdateAsync(first: false));

    private async Task<DashboardUpdate> MakeUpdateAsync(bool first)
    {
        var activity = await cluster.GetAsync().ConfigureAwait(false);
        var seconds = first ? JobMonitor.ThroughputSeconds : RecentThroughputSeconds;
        var errors = Errors(activity);
        return new DashboardUpdate(
            timeProvider.GetUtcNow(),
            GetSilos(),
            Jobs(activity),
            Total(activity, seconds),
            PerSilo(activity, seconds),
            errors.Length,
            errors.Length > 0 ? errors[0].At : null);
    }

    private static JobView[] Jobs(IReadOnlyList<SiloActivity> activity) =>
    [
        .. activity
            .SelectMany(a => a.Jobs.Select(j => (Job: j, a.Silo)))
            .OrderBy(j => j.Job.Outcome is not null)
            .ThenByDescending(j => j.Job.Started)
            .Select(j => ToView(j.Job, j.Silo)),
    ];

    private static ErrorView[] Errors(IReadOnlyList<SiloActivity> activity) =>
    [
        .. activity
            .SelectMany(a => a.Errors.Select(e => new ErrorView(e.At, e.JobId, e.Kernel, e.Index, e.Error.Status, e.Error.Type, e.Error.Message, a.Silo)))
            .OrderByDescending(e => e.At)
            .Take(JobMonitor.MaxErrors),
    ];

    // The cluster's items per second: every silo's jobs' finished items added up by second, over the latest seconds.
    private static ThroughputPointView[] Total(IReadOnlyList<SiloActivity> activity, int seconds) =>
    [
        .. activity
            .SelectMany(a => a.Settled.TakeLast(seconds))
            .GroupBy(p => p.Second.ToUnixTimeMilliseconds())
            .OrderBy(g => g.Key)
            .TakeLast(seconds)
            .Select(g => new ThroughputPointView(g.Key, g.Sum(p => p.Items), g.Sum(p => p.Failed))),
    ];

    private static SiloThroughputView[] PerSilo(IReadOnlyList<SiloActivity> activity, int seconds) =>
    [
        .. activity.Select(a => new SiloThroughputView(a.Silo, [.. a.Ran.TakeLast(seconds).Select(p => new ThroughputPointView(p.Second.ToUnixTimeMilliseconds(), p.Items, p.Failed))])),
    ];

    // Each silo's share of the job, in the order of its lanes; the live silos that ran none of it follow, when they were up while it ran.
    private static TraceSiloView[] SilosOf(JobSnapshot job, IReadOnlyList<WorkerLaneView> lanes, IReadOnlyList<SiloView> live)
    {
        var wall = Math.Max(job.Elapsed.TotalMilliseconds, 1);
        var workersOf = live.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().MaxWorkers, StringComparer.Ordinal);
        var used = lanes
            .GroupBy(l => l.Silo, StringComparer.Ordinal)
            .Select(g =>
            {
                var workers = Math.Max(g.Count(), workersOf.GetValueOrDefault(g.Key));
                var busy = g.Sum(l => l.BusyMs);
                return new TraceSiloView(g.Key, workers, g.Count(), g.Sum(l => l.Chunks), g.Sum(l => l.Items), busy, Math.Clamp(busy / (wall * workers), 0, 1));
            })
            .ToList();
        var end = job.Started + job.Elapsed;
        var idle = live
            .Where(s => s.Started < end && used.TrueForAll(u => u.Silo != s.Name))
            .Select(s => new TraceSiloView(s.Name, s.MaxWorkers, 0, 0, 0, 0, 0));
        return [.. used, .. idle];
    }

    // A worker is named SILO/worker-N: its silo is all before the last slash.
    private static string SiloOfWorker(string worker)
    {
        var slash = worker.LastIndexOf('/');
        return slash > 0 ? worker[..slash] : worker;
    }

    private static JobView ToView(JobSnapshot job, string silo) => new(
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
        job.ItemsPerSecond,
        silo);

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
