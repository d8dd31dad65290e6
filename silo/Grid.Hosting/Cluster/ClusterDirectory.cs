using Grid.Workers;
using Microsoft.Extensions.Logging;

namespace Grid.Hosting.Cluster;

/// <summary>Keeps a view of the cluster's other silos for the dashboard: every active member of Orleans membership, with its worker pool's last answer, refreshed every two seconds.</summary>
/// <remarks>The dashboard reads it without waiting; a silo that does not answer within the refresh keeps its last description until membership drops it.</remarks>
internal sealed partial class ClusterDirectory(
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<ClusterDirectory> logger) : IClusterDirectory, ISiloLifecycleParticipant, IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stop = new();
    private volatile IReadOnlyList<SiloSnapshot> _peers = [];
    private Task? _refreshing;

    public IReadOnlyList<SiloSnapshot> GetPeers() => _peers;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _refreshing = RefreshAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_refreshing is { } refreshing)
        {
            await refreshing.ConfigureAwait(false);
        }
    }

    public void Dispose() => _stop.Dispose();

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Refresh, time);
        var known = new Dictionary<SiloAddress, SiloSnapshot>();
        try
        {
            do
            {
                var members = membership.CurrentSnapshot.Members.Values
                    .Where(m => m.Status == Orleans.Runtime.SiloStatus.Active && !m.SiloAddress.Equals(local.SiloAddress))
                    .Select(m => m.SiloAddress)
                    .ToList();
                foreach (var gone in known.Keys.Except(members).ToList())
                {
                    known.Remove(gone);
                }

                foreach (var silo in members)
                {
                    try
                    {
                        var status = await WorkerPools.Of(grains, silo).GetStatusAsync().WaitAsync(Refresh, time, cancellationToken).ConfigureAwait(false);
                        known[silo] = new SiloSnapshot(status.Name, status.Started, status.WorkerSlots, status.WorkerSlots, status.BusyWorkers, status.Activations, status.QueuedCalls, status.WorkingSetBytes, status.CpuSeconds, status.Cores);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        // The silo did not answer in time (busy, or on its way out): its last description stands until membership drops it.
                        LogPeerSilent(logger, exception, silo.ToString());
                    }
                }

                _peers = [.. known.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo stops.
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Debug, Message = "Silo {Silo} did not describe its worker pool in time")]
    private static partial void LogPeerSilent(ILogger logger, Exception exception, string silo);
}
