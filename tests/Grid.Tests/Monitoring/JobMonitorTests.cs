using Grid.Jobs;
using Grid.Monitoring;

namespace Grid.Tests.Monitoring;

/// <summary>What the dashboard's monitor keeps is bounded exactly as documented: every running job and the last 50 finished, the last 100 item errors, 5,000 chunks per job and 300 seconds of throughput.</summary>
/// <remarks>Each bound is filled to the limit (everything kept) and then passed by one (only the oldest goes), on a clock the test moves.</remarks>
[Trait("Category", "Fast")]
public sealed class JobMonitorTests
{
    private readonly Clock _clock = new();
    private readonly JobMonitor _monitor;

    public JobMonitorTests() => _monitor = new JobMonitor(_clock);

    [Fact]
    public void JobFinished_AsManyJobsAsKept_KeepsEveryOne()
    {
        var jobs = RunJobs(JobMonitor.MaxFinishedJobs);

        Assert.Equal(50, JobMonitor.MaxFinishedJobs);
        Assert.Equal(jobs.AsEnumerable().Reverse(), _monitor.GetJobs().Select(j => j.JobId));
        Assert.All(jobs, id => Assert.NotNull(_monitor.GetJob(id)));
    }

    [Fact]
    public void JobFinished_OneJobMoreThanKept_ForgetsOnlyTheFirstToFinishAndNoRunningJob()
    {
        var running = Guid.NewGuid();
        _monitor.JobStarted(running, "k", workers: 2);
        var jobs = RunJobs(JobMonitor.MaxFinishedJobs + 1);

        var listed = _monitor.GetJobs();

        Assert.Null(_monitor.GetJob(jobs[0]));
        Assert.Equal(JobMonitor.MaxFinishedJobs + 1, listed.Count);
        Assert.Equal((running, (JobOutcome?)null), (listed[0].JobId, listed[0].Outcome));
        Assert.Equal(jobs.Skip(1).Reverse(), listed.Skip(1).Select(j => j.JobId));
    }

    [Fact]
    public void JobFinished_PastTheBound_ForgetsByFinishingOrderNotByStart()
    {
        var early = Guid.NewGuid();
        _monitor.JobStarted(early, "k", workers: 1);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var jobs = RunJobs(JobMonitor.MaxFinishedJobs);

        // The job started first finishes last: it is the newest finished job, and the first of the others to finish goes.
        _monitor.JobFinished(Summary(early));

        Assert.NotNull(_monitor.GetJob(early));
        Assert.Null(_monitor.GetJob(jobs[0]));
        Assert.All(jobs.Skip(1), id => Assert.NotNull(_monitor.GetJob(id)));
    }

    [Fact]
    public void ChunkFinished_AsManyErrorsAsKept_KeepsEveryOneNewestFirst()
    {
        var job = StartJob();

        _monitor.ChunkFinished(job, Failing(job, 0, JobMonitor.MaxErrors), _clock.GetUtcNow());

        Assert.Equal(100, JobMonitor.MaxErrors);
        Assert.Equal(Enumerable.Range(0, 100).Reverse().Select(i => (long)i), _monitor.GetRecentErrors().Select(e => e.Index));
    }

    [Fact]
    public void ChunkFinished_OneErrorMoreThanKept_ForgetsOnlyTheOldest()
    {
        var job = StartJob();
        _monitor.ChunkFinished(job, Failing(job, 0, JobMonitor.MaxErrors), _clock.GetUtcNow());

        _monitor.ChunkFinished(job, Failing(job, 1000, 1), _clock.GetUtcNow());

        var errors = _monitor.GetRecentErrors();
        Assert.Equal(JobMonitor.MaxErrors, errors.Count);
        Assert.Equal(1000, errors[0].Index);
        Assert.Equal(1, errors[^1].Index);
        Assert.DoesNotContain(errors, e => e.Index == 0);
    }

    [Fact]
    public void ChunkFinished_OneChunkWithMoreErrorsThanKept_KeepsItsLastOnesNewestFirst()
    {
        var job = StartJob();

        _monitor.ChunkFinished(job, Failing(job, 0, 150), _clock.GetUtcNow());

        Assert.Equal(Enumerable.Range(50, 100).Reverse().Select(i => (long)i), _monitor.GetRecentErrors().Select(e => e.Index));
    }

    [Fact]
    public void ChunkFinished_ErrorsOfSeveralChunks_KeepsTheNewestAcrossThem()
    {
        var job = StartJob();

        _monitor.ChunkFinished(job, Failing(job, 0, 60), _clock.GetUtcNow());
        _monitor.ChunkFinished(job, Failing(job, 60, 60), _clock.GetUtcNow());

        Assert.Equal(Enumerable.Range(20, 100).Reverse().Select(i => (long)i), _monitor.GetRecentErrors().Select(e => e.Index));
    }

    [Fact]
    public void ChunkFinished_MoreChunksThanKeptForOneJob_KeepsTheFirstAndCountsTheRest()
    {
        var job = StartJob();

        for (var i = 0; i < JobMonitor.MaxChunksPerJob + 2; i++)
        {
            _monitor.ChunkFinished(job, Succeeding(job, i, 1), _clock.GetUtcNow());
        }

        var detail = _monitor.GetJob(job)!;
        Assert.Equal(5000, JobMonitor.MaxChunksPerJob);
        Assert.Equal(Enumerable.Range(0, JobMonitor.MaxChunksPerJob).Select(i => (long)i), detail.Chunks.Select(c => c.ChunkId));
        Assert.Equal(2, detail.ChunksDropped);
        Assert.Equal(JobMonitor.MaxChunksPerJob + 2, detail.Job.Succeeded);
    }

    [Theory]
    [InlineData(int.MinValue, 1)]
    [InlineData(-1, 1)]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(299, 299)]
    [InlineData(300, 300)]
    [InlineData(301, 300)]
    [InlineData(int.MaxValue, 300)]
    public void GetThroughput_AnySeconds_GivesOnePointPerSecondFromOneTo300EndingNow(int seconds, int points)
    {
        var throughput = _monitor.GetThroughput(seconds);

        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(points, throughput.Count);
        Assert.Equal(Enumerable.Range(0, points).Select(i => now - points + 1 + i), throughput.Select(p => p.Second.ToUnixTimeSeconds()));
    }

    [Fact]
    public void GetThroughput_ItemsOf300AndOf301SecondsAgo_CountsOnlyTheFirst()
    {
        var job = StartJob();
        _monitor.ChunkFinished(job, Failing(job, 0, 7), _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromSeconds(1));
        _monitor.ChunkFinished(job, Succeeding(job, 7, 5), _clock.GetUtcNow());

        _clock.Advance(TimeSpan.FromSeconds(JobMonitor.ThroughputSeconds - 1));
        var oneInside = _monitor.GetThroughput();
        _clock.Advance(TimeSpan.FromSeconds(1));
        var bothOut = _monitor.GetThroughput();

        Assert.Equal((5L, 0L), (oneInside[0].Items, oneInside[0].Failed));
        Assert.Equal(5, oneInside.Sum(p => p.Items));
        Assert.Equal(0, bothOut.Sum(p => p.Items + p.Failed));
    }

    private Guid StartJob()
    {
        var job = Guid.NewGuid();
        _monitor.JobStarted(job, "k", workers: 1);
        return job;
    }

    /// <summary>Starts and finishes <paramref name="count"/> jobs one after the other, a second apart; returns their ids in that order.</summary>
    private List<Guid> RunJobs(int count)
    {
        var jobs = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var job = StartJob();
            _monitor.JobFinished(Summary(job));
            jobs.Add(job);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        return jobs;
    }

    private static JobSummary Summary(Guid job) => new(job, "k", JobOutcome.Completed, 0, 0, 0, 0, 0, TimeSpan.FromSeconds(1), []);

    private ChunkResult Failing(Guid job, long start, int count) => new(
        job, start, start, null, [.. Enumerable.Range(0, count).Select(i => new ItemError(ItemStatus.Failed, "T", $"item {start + i}"))],
        new TimeSpan[count], "w", TimeSpan.FromMilliseconds(1))
    {
        Started = _clock.GetUtcNow(),
    };

    private ChunkResult Succeeding(Guid job, long chunkId, int count) => new(
        job, chunkId, chunkId, new long[count], null, new TimeSpan[count], "w", TimeSpan.FromMilliseconds(1))
    {
        Started = _clock.GetUtcNow(),
    };

    /// <summary>A wall clock that moves only when the test says.</summary>
    private sealed class Clock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
