using Grid.Hosting;
using Grid.TestingHost;
using Grid.Tests.Runtime.TestGrains;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Runtime;

/// <summary>A silo with the runtime's test grains and a probe they report to.</summary>
public sealed class RuntimeCluster : IAsyncLifetime
{
    public Probe Probe { get; } = new();

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public static Task<TestCluster> StartAsync(Probe probe, Action<ISiloBuilder>? configure = null) => TestCluster.StartAsync(silo =>
    {
        silo.Services.AddSingleton(probe);
        silo.AddGrain<ICounterGrain, CounterGrain>()
            .AddGrain<IPoolGrain, PoolGrain>()
            .AddGrain<IStreamGrain, StreamGrain>()
            .AddGrain<ILifecycleGrain, LifecycleGrain>()
            .AddGrain<IReentrantGrain, ReentrantGrain>()
            .AddGrain<INonReentrantGrain, NonReentrantGrain>();
        configure?.Invoke(silo);
    });

    public async Task InitializeAsync() => Cluster = await StartAsync(Probe);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
