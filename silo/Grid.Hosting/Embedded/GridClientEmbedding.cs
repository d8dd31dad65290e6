using Grid.Hosting;
using Grid.Hosting.Embedded;

namespace Grid.Client;

/// <summary>Adds <c>GridClient.StartEmbeddedAsync</c> to the SDK for applications that reference Grid.Hosting and so carry a silo.</summary>
public static class GridClientEmbedding
{
    extension(GridClient)
    {
        /// <summary>Starts an Orleans silo with Grid inside this process and returns a client connected to it.</summary>
        /// <param name="configure">Adds kernels and changes the silo's options; the built-in kernels are always there.</param>
        /// <param name="cancellationToken">Stops waiting for the silo to start.</param>
        /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A silo setting is out of range; the message names it.</exception>
        public static Task<GridClient> StartEmbeddedAsync(Action<IGridBuilder>? configure = null, CancellationToken cancellationToken = default)
            => EmbeddedSilo.StartAsync(configure, cancellationToken);
    }
}
