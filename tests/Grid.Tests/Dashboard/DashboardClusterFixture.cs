using Grid.Client;
using Grid.Dashboard.Hosting;
using Grid.Hosting;
using Grid.TestingHost;
using Grid.Tests.TestKernels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grid.Tests.Dashboard;

/// <summary>One in-process silo with two workers, the test kernels and the dashboard on a free loopback port, shared by the dashboard tests.</summary>
public sealed class DashboardClusterFixture : IAsyncLifetime
{
    /// <summary>The workers of the silo.</summary>
    public const int Workers = 2;

    private TestCluster? _cluster;

    public GridClient Client => Cluster.Client;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    /// <summary>Gets the dashboard's address, with the port the server picked.</summary>
    public Uri BaseAddress => Cluster.Services.GetRequiredService<DashboardServer>().Addresses[0];

    public HttpClient Http { get; } = new() { Timeout = TestLimits.Hang };

    /// <summary>Starts a silo like this fixture's, with whatever <paramref name="dashboard"/> changes in the dashboard's settings.</summary>
    public static Task<TestCluster> StartClusterAsync(Action<DashboardOptions>? dashboard = null) => TestCluster.StartAsync(silo => silo
        .Configure(o => o.MaxLocalWorkers = Workers)
        .AddKernel(GateKernel.Name, new GateKernel())
        .AddKernel(OddFailsKernel.Name, new OddFailsKernel())
        .AddDashboard(o =>
        {
            o.Urls = "http://127.0.0.1:0";
            dashboard?.Invoke(o);
        }));

    /// <summary>Gets the address of <paramref name="cluster"/>'s dashboard.</summary>
    public static Uri AddressOf(TestCluster cluster) => cluster.Services.GetRequiredService<DashboardServer>().Addresses[0];

    /// <summary>Gets the name of <paramref name="cluster"/>'s silo.</summary>
    public static string SiloNameOf(TestCluster cluster) => cluster.Services.GetRequiredService<IGridSilo>().SiloName;

    public async Task InitializeAsync()
    {
        _cluster = await StartClusterAsync();
        Http.BaseAddress = BaseAddress;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
