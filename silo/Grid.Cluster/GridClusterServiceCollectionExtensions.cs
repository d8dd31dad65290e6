using Grid.Cluster;
using Grid.Cluster.Silo;
using Grid.Jobs;
using Grid.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes a silo a member of a Grid cluster over RabbitMQ.</summary>
public static class GridClusterServiceCollectionExtensions
{
    /// <summary>Joins the silo registered by <c>AddGridSilo</c> to the cluster described by <see cref="ClusterOptions"/>: its jobs' chunks go through the cluster's shared work queue.</summary>
    public static IServiceCollection AddGridCluster(this IServiceCollection services, Action<ClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ClusterOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddOptions<ClusterOptions>().Validate(
            o => !string.IsNullOrWhiteSpace(o.Connection),
            $"{ClusterOptions.SectionName}:{nameof(ClusterOptions.Connection)} must be set to the broker's AMQP URI to join a cluster.");
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>());
        services.TryAddSingleton<WorkRunner>();
        services.TryAddSingleton<JobOwner>();
        services.TryAddSingleton<ClusterMember>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISiloLifecycleParticipant, ClusterMember>(sp => sp.GetRequiredService<ClusterMember>()));
        services.TryAddSingleton<IClusterDirectory>(sp => sp.GetRequiredService<ClusterMember>());
        services.Replace(ServiceDescriptor.Singleton<IChunkDispatcher>(sp =>
        {
            var member = sp.GetRequiredService<ClusterMember>();
            var dispatcher = new ClusterChunkDispatcher(member, sp.GetRequiredService<Grid.Kernels.KernelRegistry>());
            member.Dispatcher = dispatcher;
            return dispatcher;
        }));
        return services;
    }
}
