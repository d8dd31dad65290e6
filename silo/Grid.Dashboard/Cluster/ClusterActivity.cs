using Grid.Monitoring;
using Microsoft.Extensions.Logging;

namespace Grid.Dashboard.Cluster;

/// <summary>Gathers what every live silo's monitor holds, so that the dashboard of any silo shows the whole cluster: this silo's read in place, the others' through their <see cref="ISiloMonitorGrain"/>.</summary>
/// <remarks>
/// Nothing is gathered while nobody looks. This silo's own monitor is read afresh on every read; the other silos are asked at most
/// once per <see cref="Reuse"/>, however many pages and requests ask, and every answer is bounded by the monitors' limits. A silo
/// that does not answer within <see cref="PeerTimeout"/> keeps its last answer until membership no longer lists it active.
/// </remarks>
internal sealed partial class ClusterActivity(
    JobMonitor local,
    IGridSilo silo,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<ClusterActivity> logger)
{
    /// <summary>How long one gathering serves every request that asks for it.</summary>
    public static readonly TimeSpan Reuse = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a silo has to answer before its last answer stands in.</summary>
    public static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, SiloActivity> _known = [];
    private (Task<SiloActivity[]>? Gathering, long At) _last;

    /// <summary>Gets every live silo's activity with <see cref="JobMonitor.ThroughputSeconds"/> seconds of throughput: this silo's as it is now, then the others' by name.</summary>
    public async Task<IReadOnlyList<SiloActivity>> GetAsync()
    {
        var peers = await PeersAsync().ConfigureAwait(false);
        return [local.GetActivity(silo.SiloName, JobMonitor.ThroughputSeconds), .. peers];
    }

    // The other silos' latest answers: asked for while a gathering runs or is younger than Reuse, else asked again.
    private Task<SiloActivity[]> PeersAsync()
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_last.Gathering is not { } gathering || (gathering.IsCompleted && time.GetElapsedTime(_last.At, now) >= Reuse))
            {
                _last = (GatherAsync(), now);
            }

            return _last.Gathering!;
        }
    }

    /// <summary>Finds a job on whichever silo keeps it, with its chunk time line: this silo first, then the silo that last listed it, then every other live silo at once.</summary>
    /// <returns>The silo that keeps the job and the job, or <see langword="null"/> when no live silo keeps it.</returns>
    public async Task<(string Silo, JobDetail Job)?> FindJobAsync(Guid jobId, CancellationToken cancellationToken)
    {
        if (local.GetJob(jobId) is { } here)
        {
            return (silo.SiloName, here);
        }

        var peers = Peers();
        SiloAddress? lister;
        lock (_lock)
        {
            lister = _known.FirstOrDefault(k => k.Value.Jobs.Any(j => j.JobId == jobId)).Key;
        }

        if (lister is not null && peers.Contains(lister) && await AskForJobAsync(lister, jobId, cancellationToken).ConfigureAwait(false) is { } listed)
        {
            return listed;
        }

        var answers = await Task.WhenAll(peers.Where(p => !p.Equals(lister)).Select(p => AskForJobAsync(p, jobId, cancellationToken))).ConfigureAwait(false);
        return answers.FirstOrDefault(a => a is not null);
    }

    private async Task<(string Silo, JobDetail Job)?> AskForJobAsync(SiloAddress peer, Guid jobId, CancellationToken cancellationToken)
    {
        try
        {
            var job = await SiloMonitors.Of(grains, peer).GetJobAsync(jobId).WaitAsync(PeerTimeout, time, cancellationToken).ConfigureAwait(false);
            return job is null ? null : (NameOf(peer), job);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPeerSilent(logger, exception, peer.ToString());
            return null;
        }
    }

    private async Task<SiloActivity[]> GatherAsync()
    {
        var peers = Peers();
        var answers = await Task.WhenAll(peers.Select(AskForActivityAsync)).ConfigureAwait(false);
        lock (_lock)
        {
            foreach (var gone in _known.Keys.Except(peers).ToList())
            {
                _known.Remove(gone);
            }

            foreach (var (peer, activity) in answers)
            {
                if (activity is not null)
                {
                    _known[peer] = activity;
                }
            }

            return [.. _known.Values.OrderBy(a => a.Silo, StringComparer.Ordinal)];
        }
    }

    private async Task<(SiloAddress Peer, SiloActivity? Activity)> AskForActivityAsync(SiloAddress peer)
    {
        try
        {
            return (peer, await SiloMonitors.Of(grains, peer).GetActivityAsync(JobMonitor.ThroughputSeconds).WaitAsync(PeerTimeout, time).ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            // Busy, or on its way out: its last answer stands until membership drops it.
            LogPeerSilent(logger, exception, peer.ToString());
            return (peer, null);
        }
    }

    // The other silos membership lists as active now.
    private HashSet<SiloAddress> Peers() =>
    [
        .. membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == Orleans.Runtime.SiloStatus.Active && !m.SiloAddress.Equals(localSilo.SiloAddress))
            .Select(m => m.SiloAddress),
    ];

    private string NameOf(SiloAddress peer)
    {
        lock (_lock)
        {
            if (_known.TryGetValue(peer, out var known))
            {
                return known.Silo;
            }
        }

        return membership.CurrentSnapshot.Members.TryGetValue(peer, out var member) ? member.Name : peer.ToString();
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Debug, Message = "Silo {Silo} did not answer the dashboard in time")]
    private static partial void LogPeerSilent(ILogger logger, Exception exception, string silo);
}
