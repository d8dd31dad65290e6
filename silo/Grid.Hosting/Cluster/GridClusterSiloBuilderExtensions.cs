using System.Net;
using Grid.Client.Cluster;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Grid.Hosting.Cluster;

/// <summary>Joins an Orleans silo to a Grid cluster: Redis membership, loopback-only endpoints unless an address is advertised, and membership tuned to notice a lost silo within seconds.</summary>
public static class GridClusterSiloBuilderExtensions
{
    /// <summary>Configures the silo's clustering from <paramref name="options"/>; without a connection the silo runs alone (localhost clustering).</summary>
    /// <exception cref="OptionsValidationException">A setting is out of range; each failure names it.</exception>
    public static ISiloBuilder UseGridCluster(this ISiloBuilder builder, GridClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var problems = GridClusterOptionsValidator.Check(options).ToList();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(GridClusterOptions.SectionName, typeof(GridClusterOptions), problems);
        }

        builder.Services.AddSingleton(options);
        if (options.Connection is not { } connection)
        {
            return builder.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.Name, clusterId: options.Name);
        }

        builder.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.Name;
            o.ServiceId = options.Name;
        });
        builder.Configure<EndpointOptions>(o =>
        {
            if (options.AdvertisedAddress is { } advertised)
            {
                o.AdvertisedIPAddress = IPAddress.Parse(advertised);
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, options.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, options.GatewayPort);
            }
            else
            {
                o.AdvertisedIPAddress = IPAddress.Loopback;
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, options.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, options.GatewayPort);
            }

            o.SiloPort = options.SiloPort;
            o.GatewayPort = options.GatewayPort;
        });
        builder.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = options.ProbeTimeout;
            o.NumMissedProbesLimit = options.NumMissedProbesLimit;
            o.NumVotesForDeathDeclaration = options.NumVotesForDeathDeclaration;
            o.IAmAliveTablePublishTimeout = options.HeartbeatPeriod;
            o.NumMissedTableIAmAliveLimit = 3;
        });
        builder.Configure<SiloMessagingOptions>(o => o.MaxMessageBodySize = options.MaxMessageBytes);
        builder.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = options.DirectoryLease);
        // In a cluster, the dashboard shows the other silos too.
        builder.Services.AddSingleton<ClusterDirectory>();
        builder.Services.AddSingleton<IClusterDirectory>(sp => sp.GetRequiredService<ClusterDirectory>());
        builder.Services.AddSingleton<ISiloLifecycleParticipant>(sp => sp.GetRequiredService<ClusterDirectory>());
        var redis = RedisConnection.Parse(connection, options.TlsCaFile, options.ConnectTimeout);
        return builder.UseRedisClustering(o => o.ConfigurationOptions = redis);
    }
}
