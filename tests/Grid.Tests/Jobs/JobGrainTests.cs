using Grid.Client;
using Grid.Jobs;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Jobs;

/// <summary>How the job grain schedules, orders and limits items, seen through the client.</summary>
[Collection(GridClusterCollection.Name)]
[Trait("Category", "Fast")]
public sealed class JobGrainTests(GridClusterFixture cluster)
{
    private GridClient Client => cluster.Client;

    [Fact]
    public async Task Map_OneItemBlocked_OtherItemsArriveWhileItWaits()
    {
        const int fast = 50;
        using var gate = new Gate();
        using var guard = TestLimits.HangGuard();
        var items = Enumerable.Range(0, fast + 1).Select(i => new GateItem(gate, i, Blocks: i == 0));
        var job = Client.Map<GateItem, long>(GateKernel.Name, items, cancellationToken: guard.Token);

        var received = new List<ItemResult<long>>();
        await foreach (var result in job)
        {
            received.Add(result);
            if (received.Count == fast)
            {
                // Every fast item has arrived and item 0 is still at the gate: only now may it finish.
                Assert.Equal(0, gate.Cancelled.Count);
                Assert.Equal(fast, gate.Returned.Count);
                gate.Open();
            }
        }

        Assert.Equal(Enumerable.Range(1, fast).Select(i => (long)i), received.Take(fast).Select(r => r.Index).Order());
        Assert.Equal(0, received[^1].Index);
        Assert.Equal(ItemStatus.Ok, received[^1].Status);
        GridJobReading.AssertEachIndexOnce(received, fast + 1);
    }

    [Fact]
    public async Task Map_OrderedWithSlowFirstItem_DeliversInInputOrder()
    {
        const int count = 40;
        using var gate = new Gate();
        var items = Enumerable.Range(0, count).Select(i => new GateItem(gate, i, Blocks: i == 0));
        var job = Client.Map<GateItem, long>(GateKernel.Name, items, new MapOptions { Ordered = true });
        var reading = job.ReadAllAsync();

        // All later items finish while item 0 waits; an unordered job would deliver them first.
        await gate.Returned.WhenReached(count - 1);
        gate.Open();
        var results = await reading;

        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), results.Select(r => r.Index));
        Assert.All(results, r => Assert.Equal(r.Index, r.Value));
    }

    [Fact]
    public async Task Map_OrderedManyItems_DeliversInInputOrder()
    {
        const int count = 100_000;

        var results = await Client.Map<long, long>(TwiceKernel.Name, Numbers(count), new MapOptions { Ordered = true }).ReadAllAsync();

        Assert.Equal(count, results.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i, results[i].Index);
            Assert.Equal(2L * i, results[i].Value);
        }
    }

    [Fact]
    public async Task Map_ManyTrivialItems_DeliversEachIndexOnce()
    {
        const int count = 200_000;
        var job = Client.Map<long, long>(TwiceKernel.Name, Numbers(count));

        var results = await job.ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, count);
        Assert.All(results, r => Assert.Equal(2 * r.Index, r.Value));
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(count, summary.Total);
        Assert.Equal(count, summary.Succeeded);
        Assert.Equal(JobOutcome.Completed, summary.Outcome);
        Assert.Equal(count, summary.Workers.Sum(w => w.Items));
    }

    [Fact]
    public async Task Map_ItemPassesItemTimeout_ThatItemTimesOutOthersSucceed()
    {
        const int count = 20;
        int[] hanging = [3, 11];
        using var gate = new Gate();
        // The hanging items wait until their token: they can only end by the limit. The limit is long enough that no trivial item
        // runs past it, even on a loaded machine.
        var items = Enumerable.Range(0, count).Select(i => new GateItem(gate, i, Blocks: hanging.Contains(i)));
        var job = Client.Map<GateItem, long>(GateKernel.Name, items, new MapOptions { ItemTimeout = TimeSpan.FromSeconds(2) });

        var results = await job.ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, count);
        foreach (var result in results)
        {
            if (hanging.Contains((int)result.Index))
            {
                JobAssertions.AssertStoppedByItemTimeout(result, TimeSpan.FromSeconds(2));
            }
            else
            {
                Assert.Equal(ItemStatus.Ok, result.Status);
                Assert.Equal(result.Index, result.Value);
            }
        }

        Assert.Equal(hanging.Length, gate.Cancelled.Count);
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(JobOutcome.Completed, summary.Outcome);
        Assert.Equal(hanging.Length, summary.TimedOut);
        Assert.Equal(count - hanging.Length, summary.Succeeded);
    }

    [Fact]
    public async Task Map_JobPassesJobTimeout_DeliversEveryResultThenThrowsJobTimeoutException()
    {
        const int count = 1000;
        using var gate = new Gate();
        var items = Enumerable.Range(0, count).Select(i => new GateItem(gate, i, Blocks: true));
        var job = Client.Map<GateItem, long>(GateKernel.Name, items, new MapOptions { JobTimeout = TimeSpan.FromMilliseconds(300) });

        var results = new List<ItemResult<long>>();
        var exception = await Assert.ThrowsAsync<JobTimeoutException>(async () =>
        {
            await foreach (var result in job)
            {
                results.Add(result);
            }
        }).WaitAsync(TestLimits.Hang);

        var summary = exception.Summary!;
        Assert.Equal(JobOutcome.TimedOut, summary.Outcome);
        Assert.Equal(summary, await job.Summary.WaitAsync(TestLimits.Hang));
        GridJobReading.AssertEachIndexOnce(results, summary.Total);
        // Every item that reached the kernel waited for its token, so it ran into the limit; the others never ran.
        var started = gate.Blocked.Count;
        Assert.Equal(started, gate.Cancelled.Count);
        Assert.Equal(started, results.Count(r => r.Status == ItemStatus.TimedOut));
        Assert.Equal(summary.Total - started, results.Count(r => r.Status == ItemStatus.Cancelled));
        Assert.Equal((0L, 0L, (long)started, summary.Total - started), (summary.Succeeded, summary.Failed, summary.TimedOut, summary.Cancelled));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Contains("time limit", r.Error!.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Map_JobTimeoutWithEndlessInput_ThrowsJobTimeoutException()
    {
        using var gate = new Gate();
        using var stopSource = new CancellationTokenSource();
        var job = Client.Map<GateItem, long>(GateKernel.Name, EndlessBlockingItems(gate, stopSource.Token), new MapOptions { JobTimeout = TimeSpan.FromMilliseconds(300) });
        try
        {
            // A shorter bound than usual: a job that keeps reading an endless input spins a core until the bound passes.
            var exception = await Assert.ThrowsAsync<JobTimeoutException>(() => job.ReadAllAsync(TimeSpan.FromSeconds(20)));

            Assert.Equal(JobOutcome.TimedOut, exception.Summary!.Outcome);
        }
        finally
        {
            // Ends the input in any case, so a job that keeps reading it does not spin for the rest of the run.
            await stopSource.CancelAsync();
        }
    }

    private static IEnumerable<long> Numbers(int count) => Enumerable.Range(0, count).Select(i => (long)i);

    private static IEnumerable<GateItem> EndlessBlockingItems(Gate gate, CancellationToken stop)
    {
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            yield return new GateItem(gate, i, Blocks: true);
        }
    }
}
