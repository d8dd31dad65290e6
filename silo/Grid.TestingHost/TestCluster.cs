using Grid.Client;
using Grid.Hosting;

namespace Grid.TestingHost;

/// <summary>An embedded Orleans silo with Grid for tests, with a client connected to it; share one per test collection and dispose it at the end.</summary>
/// <remarks>For tests of several silos in one process, use Orleans' own <c>InProcessTestClusterBuilder</c> with <c>siloBuilder.AddGrid()</c>.</remarks>
public sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(GridClient client) => Client = client;

    /// <summary>Gets the client connected to the silo.</summary>
    public GridClient Client { get; }

    /// <summary>Gets the silo's services, to reach its internals from tests.</summary>
    public IServiceProvider Services => Client.SiloServices!;

    /// <summary>Gets the grain factory of the silo's co-hosted client.</summary>
    public IGrainFactory GrainFactory => Client.GrainFactory;

    /// <summary>Starts a silo with Grid's grains and built-in kernels plus whatever <paramref name="configure"/> adds.</summary>
    public static async Task<TestCluster> StartAsync(Action<IGridBuilder>? configure = null, CancellationToken cancellationToken = default)
        => new(await GridClient.StartEmbeddedAsync(configure, cancellationToken).ConfigureAwait(false));

    /// <summary>Stops the silo.</summary>
    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
