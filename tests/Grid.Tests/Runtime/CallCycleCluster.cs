using Grid.TestingHost;
using Grid.Tests.Runtime.TestGrains;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Runtime;

/// <summary>A silo with the hop grains, whose routes make call cycles, and the log their timers report to.</summary>
public sealed class CallCycleCluster : IAsyncLifetime
{
    public HopLog Log { get; } = new();

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync(silo =>
    {
        silo.Services.AddSingleton(Log);
        silo.AddGrain<IHopGrain, HopGrain>()
            .AddGrain<IReentrantHopGrain, ReentrantHopGrain>()
            .AddGrain<IWorkerHopGrain, WorkerHopGrain>();
    });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
