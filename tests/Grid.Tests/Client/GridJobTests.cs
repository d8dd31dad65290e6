using Grid.Client;
using Grid.Jobs;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Client;

[Collection(GridClusterCollection.Name)]
[Trait("Category", "Fast")]
public sealed class GridJobTests(GridClusterFixture cluster)
{
    private const int ManyItems = 1000;

    private GridClient Client => cluster.Client;

    [Fact]
    public async Task GetAsyncEnumerator_SecondTime_ThrowsInvalidOperationException()
    {
        var job = Client.Map<long, bool>("is-prime", [97L]);
        Assert.Single(await job.ReadAllAsync());

        var exception = Assert.Throws<InvalidOperationException>(() => job.GetAsyncEnumerator());

        Assert.Contains(job.Id.ToString(), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsyncEnumerator_MapTokenCancelledWhileItemsRun_ThrowsAndStopsTheJob()
    {
        using var gate = new Gate();
        using var cancellation = new CancellationTokenSource();
        var job = Client.Map<GateItem, long>(GateKernel.Name, BlockingItems(gate, ManyItems), cancellationToken: cancellation.Token);
        var reading = job.ReadAllAsync();
        await gate.Blocked.WhenReached(GridClusterFixture.Workers);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        await AssertStoppedAsync(gate, job);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.Summary.WaitAsync(TestLimits.Hang));
    }

    [Fact]
    public async Task GetAsyncEnumerator_EnumeratorTokenCancelledWhileItemsRun_ThrowsAndStopsTheJob()
    {
        using var gate = new Gate();
        using var cancellation = new CancellationTokenSource();
        var job = Client.Map<GateItem, long>(GateKernel.Name, BlockingItems(gate, ManyItems));
        var reading = ReadWithTokenAsync(job, cancellation.Token);
        await gate.Blocked.WhenReached(GridClusterFixture.Workers);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TestLimits.Hang));
        await AssertStoppedAsync(gate, job);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.Summary.WaitAsync(TestLimits.Hang));
    }

    [Fact]
    public async Task GetAsyncEnumerator_TokenCancelledBeforeStart_ThrowsWithoutRunningAnyItem()
    {
        using var gate = new Gate();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var job = Client.Map<GateItem, long>(GateKernel.Name, BlockingItems(gate, ManyItems), cancellationToken: cancellation.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.ReadAllAsync());

        Assert.Equal(0, gate.Executed.Count);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.Summary.WaitAsync(TestLimits.Hang));
    }

    [Fact]
    public async Task GetAsyncEnumerator_LeftEarlyByBreak_CancelsRunningKernelsAndDropsQueuedItems()
    {
        using var gate = new Gate();
        using var guard = TestLimits.HangGuard();
        // Item 0 returns at once; the rest wait at the gate, so one result arrives while both workers are blocked.
        var items = BlockingItems(gate, ManyItems).Select(item => item.Value == 0 ? item with { Blocks = false } : item);
        var job = Client.Map<GateItem, long>(GateKernel.Name, items, cancellationToken: guard.Token);

        var received = new List<long>();
        await foreach (var result in job)
        {
            received.Add(result.Index);
            await gate.Blocked.WhenReached(GridClusterFixture.Workers);
            break;
        }

        Assert.Equal([0L], received);
        await gate.Cancelled.WhenReached(GridClusterFixture.Workers);
        Assert.False(guard.IsCancellationRequested, "The job was stopped by the test's hang guard, not by leaving the loop.");
        // Only item 0 and the items blocked on the two workers ever reached the kernel: the queued ones were dropped.
        Assert.Equal(1 + GridClusterFixture.Workers, gate.Executed.Count);
        await Assert.ThrowsAsync<GridException>(() => job.Summary.WaitAsync(TestLimits.Hang));
    }

    /// <summary>Checks what cancelling a job promises: the running kernels saw their token and the queued items never reached the kernel.</summary>
    private static async Task AssertStoppedAsync(Gate gate, GridJob<long> job)
    {
        await gate.Cancelled.WhenReached(GridClusterFixture.Workers);
        Assert.Equal(GridClusterFixture.Workers, gate.Executed.Count);
        Assert.False(job.Summary.IsCompletedSuccessfully);
    }

    private static IEnumerable<GateItem> BlockingItems(Gate gate, int count) => Enumerable.Range(0, count).Select(i => new GateItem(gate, i, Blocks: true));

    private static async Task ReadWithTokenAsync(GridJob<long> job, CancellationToken cancellationToken)
    {
        await foreach (var unused in job.WithCancellation(cancellationToken))
        {
        }
    }
}
