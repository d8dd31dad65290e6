using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>A fresh cluster of real silo processes whose membership lives on the test Redis; disposing it kills the silos and deletes the cluster's Redis keys.</summary>
/// <remarks>
/// Each cluster has a name of its own (<see cref="RedisFixture.NewClusterName"/>), its Orleans cluster and service id, which every
/// Redis key it writes holds, so clusters of different tests never share a membership table. Each silo listens on two free loopback
/// ports of its own (<see cref="SiloProcess.SiloPort"/>, <see cref="SiloProcess.GatewayPort"/>). Silos are named <c>{cluster}-s1</c>,
/// <c>{cluster}-s2</c>, ...
/// </remarks>
public sealed class SiloCluster : IAsyncDisposable
{
    private readonly RedisFixture redis;
    private readonly Func<SiloProcessOptions, SiloProcessOptions> configure;
    private readonly Lock gate = new();
    private readonly List<SiloProcess> silos = [];
    private int started;

    private SiloCluster(RedisFixture redis, string name, Func<SiloProcessOptions, SiloProcessOptions> configure)
    {
        this.redis = redis;
        Name = name;
        this.configure = configure;
    }

    /// <summary>How long a silo may take to start and join before the test fails: a hang guard, not a performance figure.</summary>
    public static TimeSpan JoinTimeout => TestLimits.Hang;

    /// <summary>The cluster's name (<c>Grid:Cluster:Name</c>), which its Redis keys hold.</summary>
    public string Name { get; }

    /// <summary>The Redis connection string the silos and clients find the cluster with (the test Redis's).</summary>
    public string ConnectionString => redis.ConnectionString;

    /// <summary>The silos started so far, in start order (killed and exited ones included).</summary>
    public IReadOnlyList<SiloProcess> Silos
    {
        get
        {
            lock (gate)
            {
                return [.. silos];
            }
        }
    }

    /// <summary>The logs of every silo, for assertion messages.</summary>
    public string Logs => string.Join('\n', Silos.Select(silo => silo.Log));

    /// <summary>Starts <paramref name="siloCount"/> silos on a new cluster and waits until each has logged that it joined.</summary>
    /// <param name="redis">The test Redis.</param>
    /// <param name="siloCount">How many silos to start, at once.</param>
    /// <param name="configure">Changes each silo's options (workers, settings, TLS) before it starts; the options name the silo, the cluster,
    /// the Redis connection and two free ports.</param>
    public static async Task<SiloCluster> StartAsync(RedisFixture redis, int siloCount, Func<SiloProcessOptions, SiloProcessOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentOutOfRangeException.ThrowIfNegative(siloCount);
        var cluster = new SiloCluster(redis, RedisFixture.NewClusterName(), configure ?? (options => options));
        try
        {
            await Task.WhenAll(Enumerable.Range(0, siloCount).Select(_ => cluster.StartSiloAsync()));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo in the cluster and waits until it has logged that it joined.</summary>
    public async Task<SiloProcess> StartSiloAsync()
    {
        var number = Interlocked.Increment(ref started);
        var ports = SiloProcess.FreeLoopbackPorts(2);
        var options = configure(new SiloProcessOptions
        {
            Name = $"{Name}-s{number}",
            ClusterConnection = redis.ConnectionString,
            ClusterName = Name,
            SiloPort = ports[0],
            GatewayPort = ports[1],
        });
        var silo = await SiloProcess.StartAsync(options);
        lock (gate)
        {
            silos.Add(silo);
        }

        await silo.WaitForLineAsync(SiloProcess.JoinedClusterLine, JoinTimeout);
        return silo;
    }

    /// <summary>Kills every silo still running (paused ones too), then deletes the cluster's keys from the test Redis.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Silos.Select(silo => silo.DisposeAsync().AsTask()));
        await redis.DeleteClusterAsync(Name);
    }
}
