using Grid.Client;

namespace Grid.Cli;

/// <summary>Starts the in-process silo every command runs on.</summary>
internal static class EmbeddedGrid
{
    /// <summary>Starts an embedded silo with at most <paramref name="workers"/> kernels at once, or the silo's default (the core count) when <see langword="null"/>.</summary>
    public static Task<GridClient> StartAsync(int? workers, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return workers is { } n
            ? GridClient.StartEmbeddedAsync(silo => silo.Configure(o => o.MaxLocalWorkers = n), cancellationToken)
            : GridClient.StartEmbeddedAsync(cancellationToken: cancellationToken);
    }
}
