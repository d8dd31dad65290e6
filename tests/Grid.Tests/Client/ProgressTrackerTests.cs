using Grid.Client;
using Grid.Jobs;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Client;

[Collection(GridClusterCollection.Name)]
[Trait("Category", "Fast")]
public sealed class ProgressTrackerTests(GridClusterFixture cluster)
{
    private GridClient Client => cluster.Client;

    [Fact]
    public async Task Map_WithProgress_LastReportCoversEveryItem()
    {
        const int count = 5000;
        var progress = new RecordingProgress();
        var options = new MapOptions { Progress = progress, ProgressInterval = TimeSpan.Zero };

        await Client.Map<long, long>(TwiceKernel.Name, Numbers(count), options).ReadAllAsync();

        Assert.NotEmpty(progress.Reports);
        var last = progress.Reports[^1];
        Assert.Equal(count, last.Total);
        Assert.Equal(count, last.Read);
        Assert.Equal(count, last.Completed);
        Assert.Equal(count, last.Succeeded);
        Assert.Equal(1.0, last.Fraction);
        var completed = progress.Reports.Select(r => r.Completed).ToList();
        Assert.Equal(completed.Order(), completed);
    }

    [Fact]
    public async Task Map_WithProgressAndSmallMaxInFlight_NeverReportsMoreCompletedThanRead()
    {
        const int count = 2000;
        var progress = new RecordingProgress();
        var options = new MapOptions { Progress = progress, ProgressInterval = TimeSpan.Zero, MaxInFlight = 8 };

        await Client.Map<long, long>(TwiceKernel.Name, Numbers(count), options).ReadAllAsync();

        Assert.NotEmpty(progress.Reports);
        Assert.All(progress.Reports, r => Assert.True(r.Completed <= r.Read, $"A report says {r.Completed} items completed but only {r.Read} read."));
    }

    [Fact]
    public async Task Map_WithProgressOfEmptyInput_ReportsDone()
    {
        var progress = new RecordingProgress();

        await Client.Map<long, long>(TwiceKernel.Name, [], new MapOptions { Progress = progress }).ReadAllAsync();

        var last = Assert.Single(progress.Reports);
        Assert.Equal(0, last.Total);
        Assert.Equal(1.0, last.Fraction);
    }

    [Fact]
    public void Record_WithinInterval_ReportsOnlyTheFirst()
    {
        var time = new ManualTime();
        var progress = new RecordingProgress();
        var tracker = new ProgressTracker(progress, TimeSpan.FromMilliseconds(100), time);

        tracker.Record(Succeeded(0, 10), read: 10, total: null);
        time.Advance(TimeSpan.FromMilliseconds(99));
        tracker.Record(Succeeded(10, 10), read: 20, total: null);

        var report = Assert.Single(progress.Reports);
        Assert.Equal(10, report.Completed);
        Assert.Null(report.Fraction);
    }

    [Fact]
    public void Record_AfterInterval_ReportsAgainWithEveryStatusCounted()
    {
        var time = new ManualTime();
        var progress = new RecordingProgress();
        var tracker = new ProgressTracker(progress, TimeSpan.FromMilliseconds(100), time);
        var failed = new ItemError(ItemStatus.Failed, "System.Exception", "failed");
        var timedOut = new ItemError(ItemStatus.TimedOut, "System.TimeoutException", "timed out");
        var cancelled = new ItemError(ItemStatus.Cancelled, "System.OperationCanceledException", "cancelled");

        tracker.Record(Succeeded(0, 2), read: 6, total: null);
        time.Advance(TimeSpan.FromMilliseconds(100));
        tracker.Record(WithErrors(2, [null, failed, timedOut, cancelled]), read: 6, total: 6);

        Assert.Equal(2, progress.Reports.Count);
        var last = progress.Reports[^1];
        Assert.Equal((3L, 1L, 1L, 1L), (last.Succeeded, last.Failed, last.TimedOut, last.Cancelled));
        Assert.Equal(6, last.Completed);
        Assert.Equal(1.0, last.Fraction);
        Assert.Equal(TimeSpan.FromMilliseconds(100), last.Elapsed);
    }

    [Fact]
    public void Finish_WithinInterval_StillReportsTheEnd()
    {
        var time = new ManualTime();
        var progress = new RecordingProgress();
        var tracker = new ProgressTracker(progress, TimeSpan.FromHours(1), time);

        tracker.Record(Succeeded(0, 4), read: 4, total: null);
        tracker.Finish(4);

        Assert.Equal(2, progress.Reports.Count);
        Assert.Equal(1.0, progress.Reports[^1].Fraction);
        Assert.Equal(4, progress.Reports[^1].Total);
    }

    private static ChunkResult Succeeded(long start, int count)
        => new(Guid.Empty, 0, start, new long[count], null, new TimeSpan[count], "worker", TimeSpan.Zero);

    private static ChunkResult WithErrors(long start, ItemError?[] errors)
        => new(Guid.Empty, 0, start, new long[errors.Length], errors, new TimeSpan[errors.Length], "worker", TimeSpan.Zero);

    private static IEnumerable<long> Numbers(int count) => Enumerable.Range(0, count).Select(i => (long)i);

    /// <summary>Keeps every report on the reporting thread (unlike <see cref="Progress{T}"/>, which posts them to the thread pool).</summary>
    private sealed class RecordingProgress : IProgress<JobProgress>
    {
        private readonly Lock _lock = new();
        private readonly List<JobProgress> _reports = [];

        public List<JobProgress> Reports
        {
            get
            {
                lock (_lock)
                {
                    return [.. _reports];
                }
            }
        }

        public void Report(JobProgress value)
        {
            lock (_lock)
            {
                _reports.Add(value);
            }
        }
    }

    /// <summary>A clock that moves only when the test says.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now;

        public void Advance(TimeSpan by) => _now += by.Ticks;
    }
}
