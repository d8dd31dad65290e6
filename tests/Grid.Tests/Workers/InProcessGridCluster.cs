using Grid.Client;
using Grid.Hosting;
using Grid.Serialization;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Grid.Tests.Workers;

/// <summary>An Orleans in-process test cluster whose silos run Grid (each named after its test silo, two workers each, with <see cref="SpreadKernel"/>, <see cref="ExpandKernel"/> and <see cref="LengthKernel"/>), with a Grid client over its Orleans client.</summary>
internal sealed class InProcessGridCluster : IAsyncDisposable
{
    public const int WorkersPerSilo = 2;

    private InProcessGridCluster(InProcessTestCluster cluster)
    {
        Orleans = cluster;
        Client = GridClient.Create(cluster.Client, new ClusterClientOptions { JobSilenceTimeout = TimeSpan.FromSeconds(3) });
    }

    public InProcessTestCluster Orleans { get; }

    public GridClient Client { get; }

    /// <summary>Starts <paramref name="silos"/> silos with membership tuned as Grid's cluster is (a stopped silo is declared dead within seconds).</summary>
    /// <param name="silos">How many silos.</param>
    /// <param name="messageLimit">Orleans' largest message body on the silos and the client, or <see langword="null"/> for Orleans' default.</param>
    /// <param name="grid">What each silo adds to Grid beyond the test kernels (the dashboard, more kernels).</param>
    public static async Task<InProcessGridCluster> StartAsync(short silos, int? messageLimit = null, Action<IGridBuilder>? grid = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;

        // The client's items travel as the silos' do: users' types as JSON.
        builder.ConfigureClient(client => client.Services.AddSerializer(s => s.AddGridItems()));
        if (messageLimit is { } clientLimit)
        {
            builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.MaxMessageBodySize = clientLimit));
        }

        builder.ConfigureSilo((options, silo) =>
        {
            if (messageLimit is { } limit)
            {
                silo.Configure<SiloMessagingOptions>(o => o.MaxMessageBodySize = limit);
            }

            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });
            silo.AddGrid(builder =>
            {
                builder
                    .Configure(o =>
                    {
                        o.Name = options.SiloName;
                        o.MaxLocalWorkers = WorkersPerSilo;
                    })
                    .AddKernel(SpreadKernel.Name, new SpreadKernel())
                    .AddKernel(ExpandKernel.Name, new ExpandKernel())
                    .AddKernel(LengthKernel.Name, new LengthKernel());
                grid?.Invoke(builder);
            });
        });
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return new InProcessGridCluster(cluster);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        SpreadKernel.NewRound();
        await Client.DisposeAsync();
        await Orleans.DisposeAsync();
    }
}
