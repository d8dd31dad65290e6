using Grid.Client;
using Grid.Jobs;
using Grid.TestingHost;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Jobs;

/// <summary>A silo of two workers with the flaky kernels: without a policy, with a <c>[Retry]</c> attribute, and with a policy set on the silo.</summary>
public sealed class RetryClusterFixture : IAsyncLifetime
{
    /// <summary>The policy the silo sets for <see cref="FlakyKernel.SetName"/>.</summary>
    public static readonly RetryPolicy SetPolicy = new() { MaxAttempts = 2, InitialDelay = TimeSpan.FromMilliseconds(1) };

    private TestCluster? _cluster;

    public GridClient Client => (_cluster ?? throw new InvalidOperationException("The cluster has not started.")).Client;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(silo => silo
        .Configure(o => o.MaxLocalWorkers = 2)
        .AddKernel(FlakyKernel.Name, new FlakyKernel())
        .AddKernel(RetriedFlakyKernel.Name, new RetriedFlakyKernel())
        .AddKernel(FlakyKernel.SetName, new FlakyKernel())
        .SetKernelRetry(FlakyKernel.SetName, SetPolicy));

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
