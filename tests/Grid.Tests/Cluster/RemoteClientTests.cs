using Grid.Client;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>A client on another process reaches two real silos through the broker with the same API as an embedded silo.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class RemoteClientTests(RedisFixture broker, SharedSiloCluster shared) : IClassFixture<SharedSiloCluster>
{
    [Fact]
    public async Task Map_IsPrimeOnTwoSilos_DeliversEveryIndexOnceWithTheRightVerdict()
    {
        var cluster = await shared.GetAsync(broker);
        await using var client = await cluster.ConnectClientAsync();
        // 300 consecutive 18-digit numbers: mostly composites that end at once, and about eight primes that take a while.
        var inputs = Enumerable.Range(0, 300).Select(i => ClusterWorkload.SlowPrimeStart + i).ToArray();
        var job = client.Map<long, bool>(BuiltInKernels.IsPrime, inputs);

        var results = await job.ReadAllAsync();

        ClusterWorkload.AssertVerdicts(results, inputs);
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal(job.Id, summary.JobId);
        Assert.Equal(BuiltInKernels.IsPrime, summary.Kernel);
        Assert.Equal(JobOutcome.Completed, summary.Outcome);
        Assert.Equal(inputs.Length, summary.Total);
        Assert.Equal(inputs.Length, summary.Succeeded);
        Assert.Equal(0, summary.Failed + summary.TimedOut + summary.Cancelled);
    }

    [Fact]
    public async Task Map_SlowPrimesOnTwoSilos_RunsOnWorkersOfBothSilos()
    {
        var cluster = await shared.GetAsync(broker);
        await using var client = await cluster.ConnectClientAsync();
        await WaitForBothSilosAsync(client);
        var inputs = ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, 16);

        var results = await client.Map<long, bool>(BuiltInKernels.IsPrime, inputs).ReadAllAsync();

        ClusterWorkload.AssertVerdicts(results, inputs);
        // Worker names start with their silo's name: the shared work queue fed both.
        foreach (var silo in cluster.Silos)
        {
            Assert.Contains(results, r => r.Worker.StartsWith(silo.Name, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SubmitAsync_OneItemRemotely_ReturnsTheKernelsValue()
    {
        var cluster = await shared.GetAsync(broker);
        await using var client = await cluster.ConnectClientAsync();
        var prime = ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, 1)[0];

        var isPrime = await client.SubmitAsync<long, bool>(BuiltInKernels.IsPrime, prime).WaitAsync(TestLimits.Hang);
        var isComposite = await client.SubmitAsync<long, bool>(BuiltInKernels.IsPrime, prime + 1).WaitAsync(TestLimits.Hang);
        var estimate = await client.SubmitAsync<PiSample, PiEstimate>(BuiltInKernels.MonteCarloPi, new PiSample(7, 1000)).WaitAsync(TestLimits.Hang);

        Assert.True(isPrime);
        Assert.False(isComposite);
        Assert.Equal(new Grid.Kernels.BuiltIn.MonteCarloPiKernel().Execute(new PiSample(7, 1000), CancellationToken.None), estimate);
    }

    [Fact]
    public async Task GetKernelsAsync_RemoteCluster_ListsTheBuiltInKernelsWithTheirTypes()
    {
        var cluster = await shared.GetAsync(broker);
        await using var client = await cluster.ConnectClientAsync();

        var kernels = await client.GetKernelsAsync().WaitAsync(TestLimits.Hang);

        Assert.Contains(kernels, k => k.Name == BuiltInKernels.IsPrime && k.InputType == typeof(long) && k.OutputType == typeof(bool));
        Assert.Contains(kernels, k => k.Name == BuiltInKernels.MonteCarloPi && k.InputType == typeof(PiSample) && k.OutputType == typeof(PiEstimate));
        Assert.Contains(kernels, k => k.Name == BuiltInKernels.Sha256);
        Assert.Contains(kernels, k => k.Name == BuiltInKernels.FileTransform);
    }

    [Fact]
    public async Task GetSilosAsync_RightAfterConnecting_ListsBothSilosWithTheirWorkerSlots()
    {
        var cluster = await shared.GetAsync(broker);
        await using var client = await cluster.ConnectClientAsync();

        // Asked at once after connecting: the client must not answer before it has heard every silo.
        var silos = await client.GetSilosAsync().WaitAsync(TestLimits.Hang);


        Assert.Equal(cluster.Silos.Select(s => s.Name).Order(StringComparer.Ordinal), silos.Select(s => s.Name));
        Assert.All(silos, s =>
        {
            Assert.Equal(2, s.WorkerSlots);
            Assert.Equal("Active", s.State);
            Assert.Contains(s.ProcessId, cluster.Silos.Select(p => p.Id));
        });
    }

    [Fact]
    public async Task Map_UnknownKernel_FailsWithAGridExceptionNamingTheKernel()
    {
        var cluster = await shared.GetAsync(broker);
        await using var client = await cluster.ConnectClientAsync();
        var job = client.Map<long, bool>("no-such-kernel", [1L, 2L]);

        var exception = await Assert.ThrowsAsync<GridException>(() => job.ReadAllAsync());

        Assert.Contains("'no-such-kernel'", exception.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<GridException>(() => job.Summary.WaitAsync(TestLimits.Hang));
    }

    [Fact]
    public async Task SubmitAsync_UnknownKernel_ThrowsAGridExceptionNamingTheKernel()
    {
        var cluster = await shared.GetAsync(broker);
        await using var client = await cluster.ConnectClientAsync();

        var exception = await Assert.ThrowsAsync<GridException>(() => client.SubmitAsync<long, bool>("no-such-kernel", 1L).WaitAsync(TestLimits.Hang));

        Assert.Contains("'no-such-kernel'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_WrongInputType_FailsNamingBothTypes()
    {
        var cluster = await shared.GetAsync(broker);
        await using var client = await cluster.ConnectClientAsync();
        var job = client.Map<string, bool>(BuiltInKernels.IsPrime, ["97"]);

        var exception = await Assert.ThrowsAsync<GridException>(() => job.ReadAllAsync());

        Assert.Contains("System.String", exception.Message, StringComparison.Ordinal);
        Assert.Contains("System.Int64", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_WrongOutputType_FailsNamingBothTypes()
    {
        var cluster = await shared.GetAsync(broker);
        await using var client = await cluster.ConnectClientAsync();
        var job = client.Map<long, string>(BuiltInKernels.IsPrime, [97L]);

        var exception = await Assert.ThrowsAsync<GridException>(() => job.ReadAllAsync());

        Assert.Contains("System.String", exception.Message, StringComparison.Ordinal);
        Assert.Contains("System.Boolean", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_AfterAFailedJob_TheSameClientRunsTheNextJob()
    {
        var cluster = await shared.GetAsync(broker);
        await using var client = await cluster.ConnectClientAsync();
        await Assert.ThrowsAsync<GridException>(() => client.Map<long, bool>("no-such-kernel", [1L]).ReadAllAsync());
        var inputs = new[] { 97L, 98L, 99L };

        var results = await client.Map<long, bool>(BuiltInKernels.IsPrime, inputs).ReadAllAsync();

        ClusterWorkload.AssertVerdicts(results, inputs);
    }

    private static Task WaitForBothSilosAsync(GridClient client) => ClusterWorkload.WaitUntilAsync(
        async () => (await client.GetSilosAsync()).Count == SharedSiloCluster.SiloCount,
        () => ClusterWorkload.DescribeSilosAsync(client));
}
