using Grid.Client;
using Grid.Jobs;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Client;

[Collection(GridClusterCollection.Name)]
[Trait("Category", "Fast")]
public sealed class GridClientSubmitTests(GridClusterFixture cluster)
{
    private GridClient Client => cluster.Client;

    [Theory]
    [InlineData(97L, true)]
    [InlineData(96L, false)]
    [InlineData(112582705942171L, true)]
    public async Task SubmitAsync_IsPrime_ReturnsVerdict(long number, bool expected)
    {
        var verdict = await Client.SubmitAsync<long, bool>("is-prime", number).WaitAsync(TestLimits.Hang);

        Assert.Equal(expected, verdict);
    }

    [Fact]
    public async Task SubmitAsync_ManyConcurrentCalls_EachGetsItsOwnAnswer()
    {
        var numbers = Enumerable.Range(0, 1000).Select(i => (long)i).ToArray();

        var verdicts = await Task.WhenAll(numbers.Select(n => Client.SubmitAsync<long, bool>("is-prime", n))).WaitAsync(TestLimits.Hang);

        Assert.Equal(numbers.Select(IsPrimeByTrialDivision), verdicts);
    }

    [Fact]
    public async Task SubmitAsync_KernelThrows_ThrowsItemFailedExceptionWithKernelMessage()
    {
        var exception = await Assert.ThrowsAsync<ItemFailedException>(() => Client.SubmitAsync<long, long>(OddFailsKernel.Name, 7L).WaitAsync(TestLimits.Hang));

        Assert.Equal(ItemStatus.Failed, exception.Error.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, exception.Error.Type);
        Assert.Equal(OddFailsKernel.MessageFor(7), exception.Error.Message);
        Assert.Contains(OddFailsKernel.MessageFor(7), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAsync_KernelPassesTimeout_ThrowsItemFailedExceptionTimedOut()
    {
        using var gate = new Gate();

        var exception = await Assert.ThrowsAsync<ItemFailedException>(
            () => Client.SubmitAsync<GateItem, long>(GateKernel.Name, new GateItem(gate, 1, Blocks: true), new SubmitOptions { Timeout = TimeSpan.FromMilliseconds(200) })
                .WaitAsync(TestLimits.Hang));

        Assert.Equal(ItemStatus.TimedOut, exception.Error.Status);
        Assert.Contains("200 ms", exception.Error.Message, StringComparison.Ordinal);
        Assert.Equal(1, gate.Cancelled.Count);
    }

    [Fact]
    public async Task SubmitAsync_TokenCancelledWhileRunning_ThrowsOperationCanceledAndKernelSeesToken()
    {
        using var gate = new Gate();
        using var cancellation = new CancellationTokenSource();
        var call = Client.SubmitAsync<GateItem, long>(GateKernel.Name, new GateItem(gate, 1, Blocks: true), cancellationToken: cancellation.Token);
        await gate.Blocked.WhenReached(1);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TestLimits.Hang));
        await gate.Cancelled.WhenReached(1);
    }

    [Fact]
    public async Task SubmitAsync_UnknownKernel_ThrowsGridExceptionListingKernels()
    {
        var exception = await Assert.ThrowsAsync<GridException>(() => Client.SubmitAsync<long, bool>("no-such-kernel", 1L).WaitAsync(TestLimits.Hang));

        Assert.Contains("'no-such-kernel'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("is-prime", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAsync_WrongInputType_ThrowsGridExceptionNamingBothTypes()
    {
        var exception = await Assert.ThrowsAsync<GridException>(() => Client.SubmitAsync<string, bool>("is-prime", "97").WaitAsync(TestLimits.Hang));

        Assert.Contains("System.String", exception.Message, StringComparison.Ordinal);
        Assert.Contains("System.Int64", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAsync_WrongOutputType_ThrowsGridExceptionNamingBothTypes()
    {
        var exception = await Assert.ThrowsAsync<GridException>(() => Client.SubmitAsync<long, int>("is-prime", 97L).WaitAsync(TestLimits.Hang));

        Assert.Contains("System.Int32", exception.Message, StringComparison.Ordinal);
        Assert.Contains("System.Boolean", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAsync_InputOfWrongRuntimeType_ThrowsItemFailedExceptionNamingTypes()
    {
        var exception = await Assert.ThrowsAsync<ItemFailedException>(() => Client.SubmitAsync<object, bool>("is-prime", "x").WaitAsync(TestLimits.Hang));

        Assert.Equal(ItemStatus.Failed, exception.Error.Status);
        Assert.Contains("System.String", exception.Error.Message, StringComparison.Ordinal);
        Assert.Contains("System.Int64", exception.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAsync_InvalidKernelName_ThrowsArgumentException()
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Client.SubmitAsync<long, bool>("Bad Name!", 1L));

        Assert.Equal("kernel", exception.ParamName);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public async Task SubmitAsync_NonPositiveTimeout_ThrowsArgumentOutOfRangeNamingOption(int milliseconds)
    {
        var options = new SubmitOptions { Timeout = TimeSpan.FromMilliseconds(milliseconds) };

        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client.SubmitAsync<long, bool>("is-prime", 1L, options));

        Assert.Equal("SubmitOptions.Timeout", exception.ParamName);
    }

    private static bool IsPrimeByTrialDivision(long n)
    {
        if (n < 2)
        {
            return false;
        }

        for (long d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public async Task SubmitAsync_CancelledWhileWaitingForABusyWorker_ThrowsWithoutWaitingForIt()
    {
        using var gate = new Gate();
        using var cancellation = new CancellationTokenSource();
        var busy = Enumerable.Range(0, GridClusterFixture.Workers).Select(i => new GateItem(gate, i, Blocks: true)).ToArray();
        var job = Client.Map<GateItem, long>(GateKernel.Name, busy);
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in job)
            {
            }
        });
        await gate.Blocked.WhenReached(GridClusterFixture.Workers);

        var submitted = Client.SubmitAsync<GateItem, long>(GateKernel.Name, new GateItem(gate, 99), cancellationToken: cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => submitted.WaitAsync(TestLimits.Hang));
        Assert.Equal(GridClusterFixture.Workers, gate.Executed.Count);
        gate.Open();
        await reading.WaitAsync(TestLimits.Hang);
    }
}
