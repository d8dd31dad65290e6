using Grid.Client;
using Grid.Jobs;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Client;

/// <summary>How a map job reads its input: lazily, bounded by <see cref="MapOptions.MaxInFlight"/>, and what happens when the input fails.</summary>
[Collection(GridClusterCollection.Name)]
[Trait("Category", "Fast")]
public sealed class MapSessionTests(GridClusterFixture cluster)
{
    private const int MaxInFlight = 1000;
    private const int ResultsToRead = 50_000;

    private GridClient Client => cluster.Client;

    [Fact]
    public async Task Map_EndlessInput_ReadsAheadAtMostMaxInFlightPlusOneBatchAndOneChunk()
    {
        var source = new EndlessSource();
        using var guard = TestLimits.HangGuard();
        var job = Client.Map<long, long>(TwiceKernel.Name, source.Numbers(), new MapOptions { MaxInFlight = MaxInFlight }, guard.Token);

        var (received, worstLead) = await ReadWhileCheckingLeadAsync(job, source);

        Assert.Equal(ResultsToRead, received);
        AssertLeadWithinTheBound(worstLead);
    }

    [Fact]
    public async Task Map_EndlessAsyncInput_ReadsAheadAtMostMaxInFlightPlusOneBatchAndOneChunk()
    {
        var source = new EndlessSource();
        using var guard = TestLimits.HangGuard();
        var job = Client.Map<long, long>(TwiceKernel.Name, source.NumbersAsync(), new MapOptions { MaxInFlight = MaxInFlight }, guard.Token);

        var (received, worstLead) = await ReadWhileCheckingLeadAsync(job, source);

        Assert.Equal(ResultsToRead, received);
        AssertLeadWithinTheBound(worstLead);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task Map_InputThrowsAfterSomeItems_ReturnsTheirResultsThenThrowsGridException(int goodItems)
    {
        var failure = new InvalidOperationException("the input broke");
        var job = Client.Map<long, long>(TwiceKernel.Name, FailingSource(goodItems, failure));

        await AssertInputFailureAsync(job, goodItems, failure);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task Map_AsyncInputThrowsAfterSomeItems_ReturnsTheirResultsThenThrowsGridException(int goodItems)
    {
        var failure = new InvalidOperationException("the input broke");
        var job = Client.Map<long, long>(TwiceKernel.Name, FailingSourceAsync(goodItems, failure));

        await AssertInputFailureAsync(job, goodItems, failure);
    }

    [Fact]
    public async Task FeedAsync_StoppedWhileAsyncSourceIsMidStep_DisposesTheSourceOnlyAfterItsStepEnds()
    {
        var job = new PushBlockingJob();
        var session = new MapSession<long, long>(job, new JobSpec(Guid.NewGuid(), "k", typeof(long), typeof(long)), new MapOptions(), TimeProvider.System, silenceTimeout: null);
        using var stop = new CancellationTokenSource();
        var sourceWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finallyRan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Item 0 goes out alone; item 1 is sent while the source is in the middle of its next step, and that push waits for room.
        var feeding = session.FeedAsync(SlowSource(sourceWaiting, release.Task, finallyRan), stop.Token);
        await sourceWaiting.Task.WaitAsync(TestLimits.Hang);
        await job.SecondPushWaiting.Task.WaitAsync(TestLimits.Hang);
        await stop.CancelAsync();
        Assert.False(finallyRan.Task.IsCompleted);
        release.SetResult();

        // Disposing a compiler-made iterator mid-step fails and skips its finally; waiting for the step lets it run.
        await feeding.WaitAsync(TestLimits.Hang);
        await finallyRan.Task.WaitAsync(TestLimits.Hang);
    }

    private static async IAsyncEnumerable<long> SlowSource(TaskCompletionSource sourceWaiting, Task release, TaskCompletionSource finallyRan)
    {
        try
        {
            yield return 0;
            yield return 1;
            sourceWaiting.TrySetResult();
            await release;
            yield return 2;
        }
        finally
        {
            finallyRan.TrySetResult();
        }
    }

    /// <summary>A job whose first push is taken at once and whose later pushes wait until the caller gives up.</summary>
    private sealed class PushBlockingJob : IJobGrain
    {
        private int _pushes;

        public TaskCompletionSource SecondPushWaiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task StartAsync(JobSpec spec) => Task.CompletedTask;

        public async Task PushAsync(InputBatch batch, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _pushes) == 1)
            {
                return;
            }

            SecondPushWaiting.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public Task CompleteInputsAsync(string? inputError) => Task.CompletedTask;

        public IAsyncEnumerable<ChunkResult> ReadResultsAsync() => throw new NotSupportedException();

        public Task KeepAliveAsync() => Task.CompletedTask;

        public Task CancelAsync(string reason) => Task.CompletedTask;

        public Task<JobSummary> GetSummaryAsync() => throw new NotSupportedException();

        public Guid GetPrimaryKey() => Guid.Empty;

        public Guid GetPrimaryKey(out string? keyExt) => throw new NotSupportedException();
    }

    private static async Task AssertInputFailureAsync(GridJob<long> job, int goodItems, Exception failure)
    {
        var results = new List<ItemResult<long>>();
        var exception = await Assert.ThrowsAsync<GridException>(async () =>
        {
            await foreach (var result in job)
            {
                results.Add(result);
            }
        }).WaitAsync(TestLimits.Hang);

        GridJobReading.AssertEachIndexOnce(results, goodItems);
        Assert.All(results, r => Assert.Equal(2 * r.Index, r.Value));
        Assert.Same(failure, exception.InnerException);
        Assert.Contains(failure.Message, exception.Message, StringComparison.Ordinal);
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(JobOutcome.Failed, summary.Outcome);
        Assert.Equal(goodItems, summary.Total);
        Assert.Equal(goodItems, summary.Succeeded);
        Assert.Contains(failure.Message, summary.Error, StringComparison.Ordinal);
    }

    /// <summary>Checks the most items read ahead of the consumer against what <see cref="MapOptions.MaxInFlight"/> documents, term by term.</summary>
    private static void AssertLeadWithinTheBound(long worstLead)
    {
        // The job holds at most MaxInFlight items read and not yet delivered; the client holds at most one input batch beside it (no
        // larger than MaxInFlight nor InputBatcher's 4,096), and hands out one delivered chunk, cut to MaxInFlight / (workers x
        // ChunksPerWorker) by the job. The lead is measured after a result was received, so at least one item of that chunk is no
        // longer ahead, which leaves room for the one item an asynchronous input reads on while a full batch waits for room.
        var batch = Math.Min(MaxInFlight, InputBatcher<long>.MaxBatchSize);
        var chunk = MaxInFlight / (GridClusterFixture.Workers * new JobOptions().ChunksPerWorker);
        var bound = MaxInFlight + batch + chunk;
        Assert.True(
            worstLead is >= 0 && worstLead <= bound,
            $"The input was read {worstLead} items ahead of the consumer; MaxInFlight ({MaxInFlight}) + one batch ({batch}) + one chunk ({chunk}) is {bound}.");
    }

    /// <summary>Reads <see cref="ResultsToRead"/> results and returns the most items the job had taken from the source beyond those received.</summary>
    private static async Task<(int Received, long WorstLead)> ReadWhileCheckingLeadAsync(GridJob<long> job, EndlessSource source)
    {
        var received = 0;
        long worstLead = 0;
        await foreach (var result in job)
        {
            Assert.Equal(2 * result.Index, result.Value);
            received++;
            // A consumer that awaits something for each result (a write, a send), as real ones do.
            await Task.Yield();
            worstLead = Math.Max(worstLead, source.Pulled - received);
            if (received == ResultsToRead)
            {
                break;
            }
        }

        return (received, worstLead);
    }

    private static IEnumerable<long> FailingSource(int goodItems, Exception failure)
    {
        for (var i = 0; i < goodItems; i++)
        {
            yield return i;
        }

        throw failure;
    }

    private static async IAsyncEnumerable<long> FailingSourceAsync(int goodItems, Exception failure)
    {
        for (var i = 0; i < goodItems; i++)
        {
            await Task.Yield();
            yield return i;
        }

        throw failure;
    }

    /// <summary>An input that never ends and counts the items taken from it.</summary>
    private sealed class EndlessSource
    {
        private long _pulled;

        public long Pulled => Interlocked.Read(ref _pulled);

        public IEnumerable<long> Numbers()
        {
            for (long i = 0; ; i++)
            {
                Interlocked.Increment(ref _pulled);
                yield return i;
            }
        }

        public async IAsyncEnumerable<long> NumbersAsync()
        {
            for (long i = 0; ; i++)
            {
                if (i % 1000 == 0)
                {
                    await Task.Yield();
                }

                Interlocked.Increment(ref _pulled);
                yield return i;
            }
        }
    }
}
