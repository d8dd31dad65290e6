using Grid.Cli.Commands;
using Grid.Client;

namespace Grid.Cli;

/// <summary>Gives every command its client: connected to the cluster named by <c>--cluster</c> (or <c>GRID_CLUSTER</c>), or on an embedded silo.</summary>
internal static class GridConnector
{
    /// <summary>Connects as the settings say; <c>--workers</c> sizes only an embedded silo, since a cluster's silos size themselves.</summary>
    /// <exception cref="UsageException"><c>--workers</c> was given together with a cluster, or a CA file (<c>--cluster-ca</c>) with a cluster not reached over TLS.</exception>
    public static Task<GridClient> ConnectAsync(RunSettings settings, CancellationToken cancellationToken)
        => ConnectAsync(settings, connectCluster: null, cancellationToken);

    /// <summary>Connects as the settings say, to a cluster through <paramref name="context"/>'s <see cref="CliContext.ConnectCluster"/> when it has one.</summary>
    /// <exception cref="UsageException">As <see cref="ConnectAsync(RunSettings, CancellationToken)"/> throws it.</exception>
    public static Task<GridClient> ConnectAsync(CliContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ConnectAsync(settings, context.ConnectCluster, cancellationToken);
    }

    private static Task<GridClient> ConnectAsync(RunSettings settings, Func<RunSettings, CancellationToken, Task<GridClient>>? connectCluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        cancellationToken.ThrowIfCancellationRequested();
        if (settings.Cluster is { } cluster)
        {
            if (settings.Workers is not null)
            {
                throw new UsageException("grid: --workers sizes the embedded silo; a cluster's silos set their own workers (Grid:Silo:MaxLocalWorkers)");
            }

            if (settings.ClusterCa is { } ca)
            {
                if (!cluster.Contains("ssl=true", StringComparison.OrdinalIgnoreCase))
                {
                    throw new UsageException($"grid: --cluster-ca (or {GlobalOptions.ClusterCaVariable}) is the CA of Redis over TLS; the cluster's connection string must then say ssl=true");
                }

                if (Grid.Client.Cluster.RedisConnection.CaFileError(ca) is { } error)
                {
                    throw new UsageException($"grid: --cluster-ca (or {GlobalOptions.ClusterCaVariable}) {error}");
                }
            }

            return connectCluster is not null
                ? connectCluster(settings, cancellationToken)
                : GridClient.ConnectAsync(cluster, new ClusterClientOptions { Name = settings.ClusterName, TlsCaFile = settings.ClusterCa }, cancellationToken);
        }

        return StartEmbeddedAsync(settings.Workers, cancellationToken);
    }

    /// <summary>Starts an embedded silo with at most <paramref name="workers"/> kernels at once, or the silo's default (the core count) when <see langword="null"/>.</summary>
    public static Task<GridClient> StartEmbeddedAsync(int? workers, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return workers is { } n
            ? GridClient.StartEmbeddedAsync(silo => silo.Configure(o => o.MaxLocalWorkers = n), cancellationToken)
            : GridClient.StartEmbeddedAsync(cancellationToken: cancellationToken);
    }
}
