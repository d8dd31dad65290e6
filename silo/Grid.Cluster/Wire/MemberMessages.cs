using Grid.Kernels;

namespace Grid.Cluster.Wire;

/// <summary>What kind of process a cluster member is.</summary>
internal enum MemberKind : byte
{
    /// <summary>A silo: runs jobs and workers.</summary>
    Silo = 1,

    /// <summary>A client: submits jobs and reads their results.</summary>
    Client = 2,
}

/// <summary>Whether a member takes work.</summary>
internal enum MemberState : byte
{
    /// <summary>Takes work.</summary>
    Active = 1,

    /// <summary>Shutting down: takes no new work and finishes what it runs.</summary>
    Leaving = 2,
}

/// <summary>A member's periodic announcement on the cluster's broadcast exchange: who it is, where its inbox is, and how busy it is.</summary>
internal sealed record HeartbeatMessage(
    Guid MemberId,
    MemberKind MemberKind,
    MemberState State,
    string Name,
    string Host,
    int ProcessId,
    string Inbox,
    int WorkerSlots,
    int BusyWorkers,
    int QueuedCalls,
    int Activations,
    int Jobs,
    int RunningChunks,
    DateTimeOffset StartedAt,
    TimeSpan Interval,
    long WorkingSetBytes,
    double CpuSeconds,
    int Cores) : IWireMessage
{
    public string Kind => MessageKinds.Heartbeat;

    public void Write(WireWriter writer)
    {
        writer.Guid(MemberId);
        writer.Byte((byte)MemberKind);
        writer.Byte((byte)State);
        writer.String(Name);
        writer.String(Host);
        writer.VarInt(ProcessId);
        writer.String(Inbox);
        writer.VarInt(WorkerSlots);
        writer.VarInt(BusyWorkers);
        writer.VarInt(QueuedCalls);
        writer.VarInt(Activations);
        writer.VarInt(Jobs);
        writer.VarInt(RunningChunks);
        writer.Instant(StartedAt);
        writer.TimeSpan(Interval);
        writer.VarLong(WorkingSetBytes);
        writer.Double(CpuSeconds);
        writer.Count(Cores);
    }

    public static HeartbeatMessage Read(ref WireReader reader)
    {
        var id = reader.Guid("memberId");
        var kind = reader.Byte("memberKind");
        var state = reader.Byte("state");
        if (kind is not ((byte)MemberKind.Silo or (byte)MemberKind.Client) || state is not ((byte)MemberState.Active or (byte)MemberState.Leaving))
        {
            throw new WireFormatException($"A heartbeat names member kind {kind} and state {state}; neither may be outside the known values.");
        }

        return new HeartbeatMessage(
            id,
            (MemberKind)kind,
            (MemberState)state,
            reader.String("name"),
            reader.String("host"),
            reader.VarInt("processId"),
            reader.String("inbox"),
            reader.VarInt("workerSlots"),
            reader.VarInt("busyWorkers"),
            reader.VarInt("queuedCalls"),
            reader.VarInt("activations"),
            reader.VarInt("jobs"),
            reader.VarInt("runningChunks"),
            reader.Instant("startedAt"),
            reader.TimeSpan("interval"),
            reader.VarLong("workingSetBytes"),
            reader.Double("cpuSeconds"),
            reader.Count("cores", 65536));
    }
}

/// <summary>A member leaves the cluster: the others drop it from their view at once.</summary>
internal sealed record ByeMessage(Guid MemberId) : IWireMessage
{
    public string Kind => MessageKinds.Bye;

    public void Write(WireWriter writer) => writer.Guid(MemberId);

    public static ByeMessage Read(ref WireReader reader) => new(reader.Guid("memberId"));
}

/// <summary>The kernels a silo runs, by name and the full names of the types they take and return.</summary>
internal sealed record KernelsMessage(IReadOnlyList<(string Name, string InputType, string OutputType)> Kernels) : IWireMessage
{
    public string Kind => MessageKinds.Kernels;

    public static KernelsMessage From(IEnumerable<KernelInfo> kernels) =>
        new(kernels.Select(k => (k.Name, TypeNames.Of(k.InputType), TypeNames.Of(k.OutputType))).ToArray());

    public void Write(WireWriter writer)
    {
        writer.Count(Kernels.Count);
        foreach (var (name, input, output) in Kernels)
        {
            writer.String(name);
            writer.String(input);
            writer.String(output);
        }
    }

    public static KernelsMessage Read(ref WireReader reader)
    {
        var count = reader.Count("kernels", reader.Remaining);
        var kernels = new (string, string, string)[count];
        for (var i = 0; i < count; i++)
        {
            kernels[i] = (reader.String("kernel.name"), reader.String("kernel.inputType"), reader.String("kernel.outputType"));
        }

        return new KernelsMessage(kernels);
    }
}

/// <summary>A request that carries nothing but its kind and its reply address (the kernel list).</summary>
internal sealed record EmptyMessage(string Kind) : IWireMessage
{
    public void Write(WireWriter writer)
    {
    }
}
