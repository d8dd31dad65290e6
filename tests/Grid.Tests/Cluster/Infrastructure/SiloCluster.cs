using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>A fresh cluster of real silo processes on the test broker; disposing it kills the silos and deletes the cluster's queues and exchanges.</summary>
/// <remarks>
/// Each cluster has a name of its own (<see cref="BrokerFixture.NewClusterName"/>), which prefixes everything it declares,
/// so clusters of different tests never share a queue. Silos are named <c>{cluster}-s1</c>, <c>{cluster}-s2</c>, ...
/// </remarks>
public sealed class SiloCluster : IAsyncDisposable
{
    private readonly BrokerFixture broker;
    private readonly Func<SiloProcessOptions, SiloProcessOptions> configure;
    private readonly Lock gate = new();
    private readonly List<SiloProcess> silos = [];
    private int started;

    private SiloCluster(BrokerFixture broker, string name, Func<SiloProcessOptions, SiloProcessOptions> configure)
    {
        this.broker = broker;
        Name = name;
        this.configure = configure;
    }

    /// <summary>How long a silo may take to start and join before the test fails: a hang guard, not a performance figure.</summary>
    public static TimeSpan JoinTimeout => TestLimits.Hang;

    /// <summary>The cluster's name (<c>Grid:Cluster:Name</c>), also the prefix of its queues and exchanges.</summary>
    public string Name { get; }

    /// <summary>The AMQP URI clients connect with (the test broker's).</summary>
    public string ConnectionString => broker.ConnectionString;

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
    /// <param name="broker">The test broker.</param>
    /// <param name="siloCount">How many silos to start, at once.</param>
    /// <param name="configure">Changes each silo's options (workers, settings) before it starts; the options name the silo and the cluster.</param>
    public static async Task<SiloCluster> StartAsync(BrokerFixture broker, int siloCount, Func<SiloProcessOptions, SiloProcessOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentOutOfRangeException.ThrowIfNegative(siloCount);
        var cluster = new SiloCluster(broker, BrokerFixture.NewClusterName(), configure ?? (options => options));
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
        var options = configure(new SiloProcessOptions
        {
            Name = $"{Name}-s{number}",
            ClusterConnection = broker.ConnectionString,
            ClusterName = Name,
        });
        var silo = await SiloProcess.StartAsync(options);
        lock (gate)
        {
            silos.Add(silo);
        }

        await silo.WaitForLineAsync(SiloProcess.JoinedClusterLine, JoinTimeout);
        return silo;
    }

    /// <summary>Kills every silo still running, then deletes the cluster's queues and exchanges from the broker.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Silos.Select(silo => silo.DisposeAsync().AsTask()));
        await broker.DeleteClusterAsync(Name);
    }
}
