using Grid.Client;
using Grid.TestingHost;

namespace Grid.Tests.TestKernels;

/// <summary>One in-process silo with two workers and the test kernels, shared by the client and job tests.</summary>
public sealed class GridClusterFixture : IAsyncLifetime
{
    /// <summary>The workers of the shared silo: few, so that a test can block all of them with gated items.</summary>
    public const int Workers = 2;

    private TestCluster? _cluster;

    public GridClient Client => (_cluster ?? throw new InvalidOperationException("The cluster has not started.")).Client;

    public static Task<TestCluster> StartClusterAsync() => TestCluster.StartAsync(silo =>
    {
        silo.Configure(o => o.MaxLocalWorkers = Workers);
        silo.AddKernel(GateKernel.Name, new GateKernel());
        silo.AddKernel(TwiceKernel.Name, new TwiceKernel());
        silo.AddKernel(OddFailsKernel.Name, new OddFailsKernel());
    });

    public async Task InitializeAsync() => _cluster = await StartClusterAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
