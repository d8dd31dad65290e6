using Grid.Client;
using Grid.Fetch;
using Grid.Hosting;
using Grid.TestingHost;

namespace Grid.Tests.Fetch;

/// <summary>One embedded silo with the default fetch policy and one misbehaving loopback server, shared by the fetch tests.</summary>
public sealed class FetchFixture : IAsyncLifetime
{
    private TestCluster? _cluster;
    private FetchTestServer? _server;

    public GridClient Client => (_cluster ?? throw new InvalidOperationException("The cluster has not started.")).Client;

    internal FetchTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Options that make failing tests quick: short waits between retries.</summary>
    public static FetchOptions Quick(FetchOptions? options = null) => (options ?? new FetchOptions()) with
    {
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(20),
    };

    /// <summary>Starts a silo whose fetch policy <paramref name="policy"/> changes.</summary>
    public static Task<TestCluster> StartClusterAsync(Action<FetchPolicyOptions> policy) => TestCluster.StartAsync(silo => silo.ConfigureFetch(policy));

    public async Task InitializeAsync()
    {
        _server = await FetchTestServer.StartAsync();
        _cluster = await TestCluster.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The fetch tests that share <see cref="FetchFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class FetchCollection : ICollectionFixture<FetchFixture>
{
    public const string Name = "fetch against a loopback server";
}
