using Grid.Hosting.Deadlocks;
using Grid.Tests.Hosting.Deadlocks.TestGrains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Grid.Tests.Hosting.Deadlocks;

/// <summary>Two in-process silos with deadlock detection and the hop grains, whose routes make call cycles, and the log they report to.</summary>
public sealed class DeadlockCluster : IAsyncLifetime
{
    public HopLog Log { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(Log);
            silo.AddGridDeadlockDetection();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
