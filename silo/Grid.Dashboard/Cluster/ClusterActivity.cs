using Grid.Dashboard.Api;
using Grid.Monitoring;
using Microsoft.Extensions.Logging;

namespace Grid.Dashboard.Cluster;

/// <summary>Gathers what every live silo's monitor holds, so that the dashboard of any silo shows the whole cluster: this silo's read in place, the others' through their <see cref="ISiloMonitorGrain"/>.</summary>
/// <remarks>
/// This silo's own monitor is read afresh on every read. The other silos are asked at most once per <see cref="Reuse"/>, however many
/// pages and requests ask, and only while somebody asks; every answer is bounded by the monitors' limits. A read waits at most
/// <see cref="PeerTimeout"/> for a silo that answered last time, and not at all for one that did not (it is asked again in the
/// background). A silo whose last answer is older than <see cref="StaleAfter"/> is left out, so its jobs never show as if live.
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

    /// <summary>How long a read waits for a silo that answered last time.</summary>
    public static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How old a silo's last answer may be and still be shown.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly Dictionary<SiloAddress, PeerState> _peers = [];
    private readonly SharedRead<SiloActivity[]> _gathering = new(Reuse, time);

    /// <summary>Gets every live silo's activity with <see cref="JobMonitor.ThroughputSeconds"/> seconds of throughput: this silo's as it is now, then the others' by name.</summary>
    public async Task<IReadOnlyList<SiloActivity>> GetAsync()
    {
        var peers = await _gathering.GetAsync(GatherAsync).ConfigureAwait(false);
        return [local.GetActivity(silo.SiloName, JobMonitor.ThroughputSeconds), .. peers];
    }

    /// <summary>Finds a job on whichever silo keeps it, with its chunk time line: this silo first, then the silo that last listed it, then every other live silo at once.</summary>
    /// <returns>The silo that keeps the job and the job when one does; else the silos that did not answer in time, one of which may keep it.</returns>
    public async Task<JobSearch> FindJobAsync(Guid jobId, CancellationToken cancellationToken)
    {
        if (local.GetJob(jobId) is { } here)
        {
            return new JobSearch(silo.SiloName, here, []);
        }

        var peers = ActivePeers();
        SiloAddress? lister;
        lock (_lock)
        {
            lister = _peers.FirstOrDefault(p => p.Value.Last?.Jobs.Any(j => j.JobId == jobId) == true).Key;
        }

        var silent = new List<string>();
        if (lister is not null && peers.Contains(lister))
        {
            var (found, answered) = await AskForJobAsync(lister, jobId, cancellationToken).ConfigureAwait(false);
            if (found is { } job)
            {
                return new JobSearch(NameOf(lister), job, []);
            }

            if (!answered)
            {
                silent.Add(NameOf(lister));
            }
        }

        var others = peers.Where(p => !p.Equals(lister)).ToList();
        var answers = await Task.WhenAll(others.Select(p => AskForJobAsync(p, jobId, cancellationToken))).ConfigureAwait(false);
        for (var i = 0; i < answers.Length; i++)
        {
            if (answers[i].Job is { } job)
            {
                return new JobSearch(NameOf(others[i]), job, []);
            }

            if (!answers[i].Answered)
            {
                silent.Add(NameOf(others[i]));
            }
        }

        return new JobSearch(null, null, silent);
    }

    private async Task<(JobDetail? Job, bool Answered)> AskForJobAsync(SiloAddress peer, Guid jobId, CancellationToken cancellationToken)
    {
        try
        {
            return (await SiloMonitors.Of(grains, peer).GetJobAsync(jobId).WaitAsync(PeerTimeout, time, cancellationToken).ConfigureAwait(false), true);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPeerSilent(logger, exception, peer.ToString());
            return (null, false);
        }
    }

    // Asks the other silos (waiting only for those that answered last time) and returns their answers that are not stale, by name.
    private async Task<SiloActivity[]> GatherAsync()
    {
        var peers = ActivePeers();
        var toAsk = new List<(SiloAddress Peer, PeerState State, TaskCompletionSource Asking)>();
        var waits = new List<(SiloAddress Peer, Task Asking)>();
        lock (_lock)
        {
            foreach (var gone in _peers.Keys.Where(p => !peers.Contains(p)).ToList())
            {
                _peers.Remove(gone);
            }

            foreach (var peer in peers)
            {
                var state = _peers.TryGetValue(peer, out var known) ? known : _peers[peer] = new PeerState();
                if (state.Asking is null)
                {
                    var asking = new TaskCompletionSource();
                    state.Asking = asking.Task;
                    toAsk.Add((peer, state, asking));
                }

                if (!state.Silent)
                {
                    waits.Add((peer, state.Asking));
                }
            }
        }

        // The asks start outside the lock, which their ends take.
        foreach (var (peer, state, asking) in toAsk)
        {
            _ = AskForActivityAsync(peer, state, asking);
        }

        foreach (var (peer, asking) in waits)
        {
            if (!await Answered(asking).ConfigureAwait(false))
            {
                // Not within the timeout: later reads do not wait for it, and show its last answer until that is stale.
                lock (_lock)
                {
                    if (_peers.TryGetValue(peer, out var state) && state.Asking == asking)
                    {
                        state.Silent = true;
                    }
                }
            }
        }

        var now = time.GetTimestamp();
        lock (_lock)
        {
            return
            [
                .. _peers.Values
                    .Where(p => p.Last is not null && time.GetElapsedTime(p.AnsweredAt, now) < StaleAfter)
                    .Select(p => p.Last!)
                    .OrderBy(a => a.Silo, StringComparer.Ordinal),
            ];
        }
    }

    // Whether the ask ended within PeerTimeout (with an answer or not).
    private async Task<bool> Answered(Task asking)
    {
        try
        {
            await asking.WaitAsync(PeerTimeout, time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task AskForActivityAsync(SiloAddress peer, PeerState state, TaskCompletionSource asking)
    {
        try
        {
            var activity = await SiloMonitors.Of(grains, peer).GetActivityAsync(JobMonitor.ThroughputSeconds).ConfigureAwait(false);
            lock (_lock)
            {
                (state.Last, state.AnsweredAt, state.Silent) = (activity, time.GetTimestamp(), false);
            }
        }
        catch (Exception exception)
        {
            // Busy, or on its way out: its last answer stands until it is stale or membership drops the silo.
            LogPeerSilent(logger, exception, peer.ToString());
            lock (_lock)
            {
                state.Silent = true;
            }
        }
        finally
        {
            lock (_lock)
            {
                state.Asking = null;
            }

            asking.SetResult();
        }
    }

    // The other silos membership lists as active now.
    private HashSet<SiloAddress> ActivePeers() =>
    [
        .. membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == Orleans.Runtime.SiloStatus.Active && !m.SiloAddress.Equals(localSilo.SiloAddress))
            .Select(m => m.SiloAddress),
    ];

    private string NameOf(SiloAddress peer)
    {
        lock (_lock)
        {
            if (_peers.TryGetValue(peer, out var known) && known.Last is { } last)
            {
                return last.Silo;
            }
        }

        return membership.CurrentSnapshot.Members.TryGetValue(peer, out var member) ? member.Name : peer.ToString();
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Debug, Message = "Silo {Silo} did not answer the dashboard in time")]
    private static partial void LogPeerSilent(ILogger logger, Exception exception, string silo);

    /// <summary>What this silo knows of another: its last answer and when it came, whether it failed to answer in time, and the ask under way.</summary>
    private sealed class PeerState
    {
        public SiloActivity? Last { get; set; }

        public long AnsweredAt { get; set; }

        public bool Silent { get; set; }

        public Task? Asking { get; set; }
    }
}
