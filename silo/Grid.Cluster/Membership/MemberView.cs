using Grid.Cluster.Wire;

namespace Grid.Cluster.Membership;

/// <summary>The members one process has heard from: updated by heartbeats, emptied of those silent past the member timeout.</summary>
internal sealed class MemberView(TimeProvider time, TimeSpan timeout)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, (HeartbeatMessage Beat, DateTimeOffset Seen)> _members = [];

    /// <summary>Records a heartbeat; returns whether the member is new to this view.</summary>
    public bool Observe(HeartbeatMessage beat)
    {
        lock (_gate)
        {
            var added = !_members.ContainsKey(beat.MemberId);
            _members[beat.MemberId] = (beat, time.GetUtcNow());
            return added;
        }
    }

    public void Remove(Guid member)
    {
        lock (_gate)
        {
            _members.Remove(member);
        }
    }

    /// <summary>Drops members silent for longer than the timeout and returns them.</summary>
    public IReadOnlyList<HeartbeatMessage> Expire()
    {
        var cutoff = time.GetUtcNow() - timeout;
        lock (_gate)
        {
            var expired = _members.Values.Where(m => m.Seen < cutoff).Select(m => m.Beat).ToList();
            foreach (var member in expired)
            {
                _members.Remove(member.MemberId);
            }

            return expired;
        }
    }

    public bool IsLive(Guid member)
    {
        var cutoff = time.GetUtcNow() - timeout;
        lock (_gate)
        {
            return _members.TryGetValue(member, out var entry) && entry.Seen >= cutoff;
        }
    }

    /// <summary>Gets the live silos, by name.</summary>
    public IReadOnlyList<SiloStatus> Silos()
    {
        var cutoff = time.GetUtcNow() - timeout;
        lock (_gate)
        {
            return _members.Values
                .Where(m => m.Beat.MemberKind == MemberKind.Silo && m.Seen >= cutoff)
                .Select(m => new SiloStatus(
                    m.Beat.Name, m.Beat.Host, m.Beat.ProcessId, m.Beat.State.ToString(), m.Beat.WorkerSlots, m.Beat.BusyWorkers,
                    m.Beat.QueuedCalls, m.Beat.Activations, m.Beat.Jobs, m.Beat.RunningChunks, m.Beat.StartedAt, m.Seen,
                    m.Beat.WorkingSetBytes, m.Beat.CpuSeconds, m.Beat.Cores))
                .OrderBy(s => s.Name, StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>Gets the worker slots of the live silos that take work.</summary>
    public int WorkerSlots()
    {
        var cutoff = time.GetUtcNow() - timeout;
        lock (_gate)
        {
            return _members.Values
                .Where(m => m.Beat.MemberKind == MemberKind.Silo && m.Beat.State == MemberState.Active && m.Seen >= cutoff)
                .Sum(m => m.Beat.WorkerSlots);
        }
    }
}
