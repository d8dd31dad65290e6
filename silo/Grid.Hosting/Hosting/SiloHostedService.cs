using Microsoft.Extensions.Hosting;

namespace Grid.Runtime.Hosting;

/// <summary>Starts and stops the silo with the Generic Host.</summary>
internal sealed class SiloHostedService(Silo silo) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => silo.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => silo.StopAsync(cancellationToken);
}
