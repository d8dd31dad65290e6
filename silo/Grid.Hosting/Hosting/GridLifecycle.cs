using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grid.Hosting;

/// <summary>Runs Grid's <see cref="ISiloLifecycleParticipant"/>s in the Orleans silo's lifecycle, and logs the silo's arrival in its cluster.</summary>
/// <remarks>
/// They start once the silo is active (so the dashboard and the exporter see a working silo), are told the silo is stopping
/// while its grains still take calls, and stop after Orleans has deactivated the grains, so the grains' last spans are still exported.
/// </remarks>
internal sealed partial class GridLifecycle(
    IEnumerable<ISiloLifecycleParticipant> participants,
    IOptions<SiloOptions> silo,
    IOptions<ClusterOptions> cluster,
    ILocalSiloDetails local,
    ILogger<GridLifecycle> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly ISiloLifecycleParticipant[] _participants = [.. participants];

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(GridLifecycle) + ".Stop", ServiceLifecycleStage.RuntimeInitialize, _ => Task.CompletedTask, StopAsync);
        lifecycle.Subscribe(nameof(GridLifecycle) + ".Start", ServiceLifecycleStage.Active, StartAsync, StoppingAsync);
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var participant in _participants)
        {
            await participant.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        LogJoined(logger, silo.Value.Name, cluster.Value.ClusterId, local.SiloAddress.ToString());
    }

    private async Task StoppingAsync(CancellationToken cancellationToken)
    {
        foreach (var participant in _participants)
        {
            await participant.StoppingAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var participant in _participants.Reverse())
        {
            await participant.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        LogLeft(logger, silo.Value.Name, cluster.Value.ClusterId);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Silo {Name} joined cluster {Cluster} at {Address}")]
    private static partial void LogJoined(ILogger logger, string name, string cluster, string address);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Silo {Name} left cluster {Cluster}")]
    private static partial void LogLeft(ILogger logger, string name, string cluster);
}
