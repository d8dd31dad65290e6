using Grid.Client;
using Grid.Jobs;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Client;

[Collection(GridClusterCollection.Name)]
[Trait("Category", "Fast")]
public sealed class GridClientMapTests(GridClusterFixture cluster)
{
    // The seed article's list, duplicate included: every entry is prime except the last.
    private static readonly long[] SeedNumbers = [112272535095293, 112582705942171, 112272535095293, 115280095190773, 115797848077099, 1099726899285419];
    private static readonly bool[] SeedVerdicts = [true, true, true, true, true, false];

    private GridClient Client => cluster.Client;

    [Fact]
    public async Task Map_SeedNumbersWithIsPrime_ReturnsEachVerdictOnce()
    {
        var results = await Client.Map<long, bool>("is-prime", SeedNumbers).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, SeedNumbers.Length);
        Assert.All(results, r => Assert.Equal(ItemStatus.Ok, r.Status));
        Assert.Equal(SeedVerdicts, results.OrderBy(r => r.Index).Select(r => r.Value));
    }

    [Fact]
    public async Task Map_SeedNumbersWithIsPrime_SummaryCountsItemsAndWorkers()
    {
        var job = Client.Map<long, bool>("is-prime", SeedNumbers);
        var results = await job.ReadAllAsync();

        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(job.Id, summary.JobId);
        Assert.Equal("is-prime", summary.Kernel);
        Assert.Equal(JobOutcome.Completed, summary.Outcome);
        Assert.Equal(6, summary.Total);
        Assert.Equal(6, summary.Succeeded);
        Assert.Equal(0, summary.Failed + summary.TimedOut + summary.Cancelled);
        Assert.Null(summary.Error);
        Assert.True(summary.WallTime > TimeSpan.Zero, $"WallTime is {summary.WallTime}.");
        Assert.NotEmpty(summary.Workers);
        Assert.All(summary.Workers, w => Assert.True(w.Busy > TimeSpan.Zero, $"Worker {w.Worker} has busy time {w.Busy}."));
        Assert.Equal(6, summary.Workers.Sum(w => w.Items));
        Assert.Subset(summary.Workers.Select(w => w.Worker).ToHashSet(), results.Select(r => r.Worker).ToHashSet());
    }

    [Fact]
    public async Task Map_KernelThrowsForSomeInputs_FailsOnlyThoseItems()
    {
        var inputs = Enumerable.Range(0, 100).Select(i => (long)i).ToArray();
        var job = Client.Map<long, long>(OddFailsKernel.Name, inputs);

        var results = await job.ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, inputs.Length);
        foreach (var result in results)
        {
            if (result.Index % 2 == 1)
            {
                Assert.Equal(ItemStatus.Failed, result.Status);
                Assert.False(result.IsSuccess);
                Assert.Equal(typeof(InvalidOperationException).FullName, result.Error!.Type);
                Assert.Equal(OddFailsKernel.MessageFor(result.Index), result.Error.Message);
                Assert.Contains(nameof(OddFailsKernel), result.Error.Detail, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(ItemStatus.Ok, result.Status);
                Assert.Equal(result.Index, result.Value);
            }
        }

        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(JobOutcome.Completed, summary.Outcome);
        Assert.Equal(50, summary.Failed);
        Assert.Equal(50, summary.Succeeded);
    }

    [Fact]
    public async Task GetValueOrThrow_FailedItem_ThrowsItemFailedExceptionWithError()
    {
        var results = await Client.Map<long, long>(OddFailsKernel.Name, [2L, 7L]).ReadAllAsync();
        var failed = Assert.Single(results, r => r.Index == 1);
        var succeeded = Assert.Single(results, r => r.Index == 0);

        var exception = Assert.Throws<ItemFailedException>(() => failed.GetValueOrThrow());

        Assert.Equal(1, exception.Index);
        Assert.Same(failed.Error, exception.Error);
        Assert.Contains(OddFailsKernel.MessageFor(7), exception.Message, StringComparison.Ordinal);
        Assert.Equal(2, succeeded.GetValueOrThrow());
    }

    [Fact]
    public async Task Map_EmptyInput_CompletesWithNoResults()
    {
        var job = Client.Map<long, bool>("is-prime", []);

        var results = await job.ReadAllAsync();

        Assert.Empty(results);
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(0, summary.Total);
        Assert.Equal(JobOutcome.Completed, summary.Outcome);
    }

    [Fact]
    public async Task Map_AsyncInput_ReturnsEachResult()
    {
        var results = await Client.Map<long, long>(TwiceKernel.Name, CountAsync(1000)).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, 1000);
        Assert.All(results, r => Assert.Equal(2 * r.Index, r.Value));
    }

    [Fact]
    public async Task Map_UnknownKernel_ThrowsGridExceptionListingKernelsOnEnumeration()
    {
        var job = Client.Map<long, bool>("no-such-kernel", [1L]);

        var exception = await Assert.ThrowsAsync<GridException>(() => job.ReadAllAsync());

        Assert.Contains("'no-such-kernel'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("is-prime", exception.Message, StringComparison.Ordinal);
        Assert.Contains(GateKernel.Name, exception.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<GridException>(() => job.Summary.WaitAsync(TestLimits.Hang));
    }

    [Fact]
    public async Task Map_WrongInputType_ThrowsGridExceptionNamingBothTypes()
    {
        var job = Client.Map<string, bool>("is-prime", ["97"]);

        var exception = await Assert.ThrowsAsync<GridException>(() => job.ReadAllAsync());

        Assert.Contains("System.String", exception.Message, StringComparison.Ordinal);
        Assert.Contains("System.Int64", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_WrongOutputType_ThrowsGridExceptionNamingBothTypes()
    {
        var job = Client.Map<long, string>("is-prime", [97L]);

        var exception = await Assert.ThrowsAsync<GridException>(() => job.ReadAllAsync());

        Assert.Contains("System.String", exception.Message, StringComparison.Ordinal);
        Assert.Contains("System.Boolean", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_WiderOutputType_ReturnsBoxedValues()
    {
        var results = await Client.Map<long, object>("is-prime", [97L, 98L]).ReadAllAsync();

        Assert.Equal(true, Assert.Single(results, r => r.Index == 0).Value);
        Assert.Equal(false, Assert.Single(results, r => r.Index == 1).Value);
    }

    [Fact]
    public async Task Map_ObjectInputsOfMixedTypes_FailsOnlyTheWrongOne()
    {
        var results = await Client.Map<object, bool>("is-prime", [97L, "x", 3L]).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, 3);
        var wrong = Assert.Single(results, r => r.Index == 1);
        Assert.Equal(ItemStatus.Failed, wrong.Status);
        Assert.Contains("System.String", wrong.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("System.Int64", wrong.Error.Message, StringComparison.Ordinal);
        Assert.True(Assert.Single(results, r => r.Index == 0).Value);
        Assert.True(Assert.Single(results, r => r.Index == 2).Value);
    }

    [Theory]
    [InlineData("Bad Name!")]
    [InlineData("IsPrime")]
    [InlineData("")]
    public void Map_InvalidKernelName_ThrowsArgumentException(string kernel)
    {
        var exception = Assert.Throws<ArgumentException>(() => Client.Map<long, bool>(kernel, [1L]));

        Assert.Equal("kernel", exception.ParamName);
    }

    [Fact]
    public void Map_NullInputs_ThrowsArgumentNullException()
    {
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => Client.Map<long, bool>("is-prime", (IEnumerable<long>)null!)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => Client.Map<long, bool>("is-prime", (IAsyncEnumerable<long>)null!)).ParamName);
    }

    [Theory]
    [InlineData(nameof(MapOptions.ItemTimeout), -1)]
    [InlineData(nameof(MapOptions.ItemTimeout), 0)]
    [InlineData(nameof(MapOptions.JobTimeout), -1)]
    [InlineData(nameof(MapOptions.JobTimeout), 0)]
    public void Map_NonPositiveTimeout_ThrowsArgumentOutOfRangeNamingOption(string option, int milliseconds)
    {
        var value = TimeSpan.FromMilliseconds(milliseconds);
        var options = option == nameof(MapOptions.ItemTimeout) ? new MapOptions { ItemTimeout = value } : new MapOptions { JobTimeout = value };

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Client.Map<long, bool>("is-prime", [1L], options));

        Assert.Equal(option, exception.ParamName);
        Assert.Contains(option, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_AfterClientDisposed_ThrowsObjectDisposedException()
    {
        var own = await GridClusterFixture.StartClusterAsync();
        await own.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => own.Client.Map<long, bool>("is-prime", [1L]));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => own.Client.SubmitAsync<long, bool>("is-prime", 1L));
    }

    [Fact]
    public async Task GetKernelsAsync_Always_ListsBuiltInAndAddedKernelsSortedByName()
    {
        var kernels = await Client.GetKernelsAsync();

        var names = kernels.Select(k => k.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Contains(names, n => n == "is-prime");
        var gate = Assert.Single(kernels, k => k.Name == GateKernel.Name);
        Assert.Equal(typeof(GateItem), gate.InputType);
        Assert.Equal(typeof(long), gate.OutputType);
    }

    private static async IAsyncEnumerable<long> CountAsync(long count)
    {
        for (long i = 0; i < count; i++)
        {
            if (i % 7 == 0)
            {
                // Makes the source wait now and then, so the job also sends the items it holds while the source is slow.
                await Task.Yield();
            }

            yield return i;
        }
    }
}
