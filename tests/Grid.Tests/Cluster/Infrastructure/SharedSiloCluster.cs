namespace Grid.Tests.Cluster;

/// <summary>One cluster of two silos shared by the tests of a class that leave it as they found it; started by the first test that asks for it.</summary>
/// <remarks>A class fixture cannot take the Redis collection's fixture in xunit 2, so the first test hands it over.</remarks>
public sealed class SharedSiloCluster : IAsyncLifetime
{
    /// <summary>The silos of the shared cluster.</summary>
    public const int SiloCount = 2;

    private readonly SemaphoreSlim _starting = new(1, 1);
    private SiloCluster? _cluster;

    /// <summary>Gets the cluster, starting it on the first call with each silo's options changed by <paramref name="configure"/> (kernel
    /// assemblies, settings); later calls get that cluster as it started, so every test of a class passes the same.</summary>
    public async Task<SiloCluster> GetAsync(RedisFixture redis, Func<SiloProcessOptions, SiloProcessOptions>? configure = null)
    {
        await _starting.WaitAsync();
        try
        {
            return _cluster ??= await SiloCluster.StartAsync(redis, SiloCount, configure);
        }
        finally
        {
            _starting.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _starting.Dispose();
    }
}
