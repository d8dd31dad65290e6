using Grid.Jobs;

namespace Grid.Monitoring;

/// <summary>Keeps what the dashboard shows about this silo: its jobs' live progress, items per second over time, each job's chunk time line and the latest errors, and the items its own workers ran per second.</summary>
/// <remarks>Job grains report once per chunk, never per item, and everything kept is bounded, so watching costs the jobs next to nothing.</remarks>
public sealed class JobMonitor(TimeProvider timeProvider)
{
    /// <summary>The most chunks kept per job for its time line.</summary>
    public const int MaxChunksPerJob = 5000;

    /// <summary>The most finished jobs kept.</summary>
    public const int MaxFinishedJobs = 50;

    /// <summary>The most item errors kept.</summary>
    public const int MaxErrors = 100;

    /// <summary>The most jobs one <see cref="GetActivity"/> lists: running ones first, so finished ones are left out first.</summary>
    public const int MaxActivityJobs = 250;

    /// <summary>The seconds of throughput history kept.</summary>
    public const int ThroughputSeconds = 300;

    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, JobState> _jobs = [];
    private readonly Queue<Guid> _finished = new();
    private readonly Queue<ErrorRecord> _errors = new();
    private readonly PerSecondCounts _settled = new();
    private readonly PerSecondCounts _ran = new();

    // The workers count what they ran under a lock of their own, so a kernel thread never waits while a dashboard copies the monitor.
    private readonly Lock _ranLock = new();

    /// <summary>Gets the running jobs, newest first, then the finished ones, newest first.</summary>
    public IReadOnlyList<JobSnapshot> GetJobs()
    {
        lock (_lock)
        {
            return [.. Jobs(timeProvider.GetUtcNow())];
        }
    }

    /// <summary>Gets a job with its chunk time line, or <see langword="null"/> when the silo does not know it.</summary>
    public JobDetail? GetJob(Guid jobId)
    {
        lock (_lock)
        {
            return _jobs.TryGetValue(jobId, out var job)
                ? new JobDetail(job.Snapshot(timeProvider.GetUtcNow()), [.. job.Chunks], job.ChunksDropped)
                : null;
        }
    }

    /// <summary>Gets whether the silo keeps the job (running, or among the last <see cref="MaxFinishedJobs"/> finished), so that <see cref="GetJob"/> would find it.</summary>
    public bool Knows(Guid jobId)
    {
        lock (_lock)
        {
            return _jobs.ContainsKey(jobId);
        }
    }

    /// <summary>Gets the items of this silo's jobs that finished per second (wherever they ran) over the last <paramref name="seconds"/> seconds, oldest first, one point per second.</summary>
    public IReadOnlyList<ThroughputPoint> GetThroughput(int seconds = ThroughputSeconds)
    {
        lock (_lock)
        {
            return _settled.Get(timeProvider.GetUtcNow(), Math.Clamp(seconds, 1, ThroughputSeconds));
        }
    }

    /// <summary>Gets everything the monitor keeps but the chunk time lines, in one consistent snapshot: jobs, errors, and <paramref name="seconds"/> seconds of both throughputs.</summary>
    public SiloActivity GetActivity(string silo, int seconds)
    {
        seconds = Math.Clamp(seconds, 1, ThroughputSeconds);
        lock (_lock)
        {
            var now = timeProvider.GetUtcNow();
            ThroughputPoint[] ran;
            lock (_ranLock)
            {
                ran = _ran.Get(now, seconds);
            }

            return new SiloActivity(silo, now, [.. Jobs(now).Take(MaxActivityJobs)], [.. _errors.Reverse()], _settled.Get(now, seconds), ran);
        }
    }

    /// <summary>Gets the latest item errors, newest first.</summary>
    public IReadOnlyList<ErrorRecord> GetRecentErrors()
    {
        lock (_lock)
        {
            return [.. _errors.Reverse()];
        }
    }

    internal void JobStarted(Guid jobId, string kernel, int workers)
    {
        lock (_lock)
        {
            _jobs[jobId] = new JobState(jobId, kernel, workers, timeProvider.GetUtcNow());
        }
    }

    internal void ItemsRead(Guid jobId, long read)
    {
        lock (_lock)
        {
            if (_jobs.TryGetValue(jobId, out var job))
            {
                job.Read = read;
            }
        }
    }

    internal void InputEnded(Guid jobId)
    {
        lock (_lock)
        {
            if (_jobs.TryGetValue(jobId, out var job))
            {
                job.Total = job.Read;
            }
        }
    }

    internal void ChunkFinished(Guid jobId, ChunkResult result, DateTimeOffset dispatched)
    {
        var (ok, failed, timedOut, cancelled) = result.CountByStatus();
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (!_jobs.TryGetValue(jobId, out var job))
            {
                return;
            }

            job.Succeeded += ok;
            job.Failed += failed;
            job.TimedOut += timedOut;
            job.Cancelled += cancelled;
            var notOk = failed + timedOut + cancelled;
            if (result.Busy > TimeSpan.Zero)
            {
                if (job.Chunks.Count < MaxChunksPerJob)
                {
                    job.Chunks.Add(new ChunkSpan(result.ChunkId, result.Worker, result.StartIndex, result.Count, notOk, dispatched, result.Started, result.Started + result.Busy));
                }
                else
                {
                    job.ChunksDropped++;
                }
            }

            _settled.Add(now, result.Count, notOk);
            if (result.Errors is { } errors)
            {
                // Only the newest MaxErrors can be kept: find them from the end, then add them oldest first.
                var newest = new Stack<int>();
                for (var i = errors.Length - 1; i >= 0 && newest.Count < MaxErrors; i--)
                {
                    if (errors[i] is not null)
                    {
                        newest.Push(i);
                    }
                }

                foreach (var i in newest)
                {
                    _errors.Enqueue(new ErrorRecord(now, jobId, job.Kernel, result.StartIndex + i, errors[i]! with { Detail = null }));
                    if (_errors.Count > MaxErrors)
                    {
                        _errors.Dequeue();
                    }
                }
            }
        }
    }

    /// <summary>Counts a chunk this silo's workers ran, for the silo's own throughput.</summary>
    internal void ChunkRan(ChunkResult result)
    {
        var (_, failed, timedOut, cancelled) = result.CountByStatus();
        var now = timeProvider.GetUtcNow();
        lock (_ranLock)
        {
            _ran.Add(now, result.Count, failed + timedOut + cancelled);
        }
    }

    internal void JobFinished(JobSummary summary)
    {
        lock (_lock)
        {
            if (!_jobs.TryGetValue(summary.JobId, out var job))
            {
                return;
            }

            job.Outcome = summary.Outcome;
            job.WallTime = summary.WallTime;
            job.Total = summary.Total;
            _finished.Enqueue(summary.JobId);
            while (_finished.Count > MaxFinishedJobs)
            {
                _jobs.Remove(_finished.Dequeue());
            }
        }
    }

    // Running jobs, newest first, then finished ones, newest first; the caller holds the lock.
    private IEnumerable<JobSnapshot> Jobs(DateTimeOffset now) => _jobs.Values
        .OrderBy(j => j.Outcome is not null)
        .ThenByDescending(j => j.Started)
        .Select(j => j.Snapshot(now));

    /// <summary>One job as the monitor tracks it.</summary>
    private sealed class JobState(Guid jobId, string kernel, int workers, DateTimeOffset started)
    {
        public string Kernel { get; } = kernel;

        public DateTimeOffset Started { get; } = started;

        public List<ChunkSpan> Chunks { get; } = [];

        public long ChunksDropped { get; set; }

        public long Read { get; set; }

        public long? Total { get; set; }

        public long Succeeded { get; set; }

        public long Failed { get; set; }

        public long TimedOut { get; set; }

        public long Cancelled { get; set; }

        public JobOutcome? Outcome { get; set; }

        public TimeSpan WallTime { get; set; }

        public JobSnapshot Snapshot(DateTimeOffset now) => new(
            jobId, Kernel, Started, Read, Total, Succeeded, Failed, TimedOut, Cancelled, workers, Outcome, Outcome is null ? now - Started : WallTime);
    }
}
