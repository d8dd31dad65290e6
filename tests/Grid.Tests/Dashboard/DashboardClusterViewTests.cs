using Grid.Dashboard.Api;
using Grid.Dashboard.Cluster;
using Grid.Monitoring;
using Grid.Hosting;
using Grid.TestingHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grid.Tests.Dashboard;

/// <summary>A silo in a cluster shows the other silos of the cluster beside its own on the dashboard.</summary>
[Trait("Category", "Fast")]
public sealed class DashboardClusterViewTests
{
    [Fact]
    public async Task GetSilos_InACluster_ListsThisSiloFirstThenItsPeers()
    {
        await using var cluster = await TestCluster.StartAsync(silo => silo.Configure(o => o.Name = "here"));
        var peer = new SiloSnapshot("there", DateTimeOffset.UtcNow.AddMinutes(-1), 4, 4, 3, 12, 5, 200_000_000, 30, 2);
        var reader = new DashboardReader(cluster.Services.GetRequiredService<SiloMonitor>(), ActivityOf(cluster), TimeProvider.System, new Directory([peer]));

        var silos = reader.GetSilos();

        Assert.Equal(["here", "there"], silos.Select(s => s.Name));
        var there = silos[1];
        Assert.Equal((4, 3, 5, 200_000_000L), (there.MaxWorkers, there.BusyWorkers, there.QueuedCalls, there.WorkingSetBytes));
        Assert.InRange(there.CpuPercent, 0, 100);
    }

    [Fact]
    public async Task GetSilos_AloneListsOnlyThisSilo()
    {
        await using var cluster = await TestCluster.StartAsync();
        var reader = new DashboardReader(cluster.Services.GetRequiredService<SiloMonitor>(), ActivityOf(cluster), TimeProvider.System);

        Assert.Single(reader.GetSilos());
    }

    private static ClusterActivity ActivityOf(TestCluster cluster) => new(
        cluster.Services.GetRequiredService<JobMonitor>(),
        cluster.Services.GetRequiredService<IGridSilo>(),
        cluster.Services.GetRequiredService<IClusterMembershipService>(),
        cluster.Services.GetRequiredService<ILocalSiloDetails>(),
        cluster.Services.GetRequiredService<IGrainFactory>(),
        TimeProvider.System,
        NullLogger<ClusterActivity>.Instance);

    private sealed class Directory(IReadOnlyList<SiloSnapshot> peers) : IClusterDirectory
    {
        public IReadOnlyList<SiloSnapshot> GetPeers() => peers;
    }
}
