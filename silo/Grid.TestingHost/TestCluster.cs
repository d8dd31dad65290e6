using Grid.Client;
using Grid.Runtime.Hosting;

namespace Grid.TestingHost;

/// <summary>An in-process silo for tests, with a client connected to it; share one per test collection and dispose it at the end.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(GridClient client) => Client = client;

    /// <summary>Gets the client connected to the silo.</summary>
    public GridClient Client { get; }

    /// <summary>Gets the silo's services, to reach its internals from tests.</summary>
    public IServiceProvider Services => Client.SiloServices!;

    /// <summary>Gets the silo's grain factory.</summary>
    public IGrainFactory GrainFactory => Client.GrainFactory;

    /// <summary>Starts a silo with the built-in grains and kernels plus whatever <paramref name="configure"/> adds.</summary>
    public static async Task<TestCluster> StartAsync(Action<ISiloBuilder>? configure = null, CancellationToken cancellationToken = default)
        => new(await GridClient.StartEmbeddedAsync(configure, cancellationToken).ConfigureAwait(false));

    /// <summary>Stops the silo.</summary>
    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
