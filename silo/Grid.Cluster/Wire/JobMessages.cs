using Grid.Jobs;

namespace Grid.Cluster.Wire;

/// <summary>A client's request to run a job, put on the cluster's job queue; the silo that takes it owns the job until it ends, and the broker hands it to another silo if that one dies.</summary>
/// <param name="InputType">The full name of the client's input type, checked against the kernel's.</param>
/// <param name="OutputType">The full name of the client's output type, checked against the kernel's.</param>
/// <param name="Deadline">When the job's time limit passes, fixed once by the client so that a resumed job keeps it.</param>
/// <param name="ClientInbox">The queue the client reads its replies from.</param>
/// <param name="Settings">Settings of a job kind beyond the kernel's (JSON), or empty.</param>
/// <param name="Retry">The job's own retry policy, or <see langword="null"/> for the kernel's.</param>
/// <param name="MaxFailures">How many items may finally fail before the job stops, or <see langword="null"/> for no limit.</param>
/// <param name="HardItemTimeout">The job's hard time limit of one item, or <see langword="null"/> for the kernel's own.</param>
internal sealed record JobStartMessage(
    Guid JobId,
    string Kernel,
    string InputType,
    string OutputType,
    TimeSpan? ItemTimeout,
    TimeSpan? JobTimeout,
    DateTimeOffset? Deadline,
    bool Ordered,
    int MaxInFlight,
    Guid ClientId,
    string ClientInbox,
    byte[] Settings,
    RetryPolicy? Retry = null,
    long? MaxFailures = null,
    TimeSpan? HardItemTimeout = null) : IWireMessage
{
    public string Kind => MessageKinds.JobStart;

    public void Write(WireWriter writer)
    {
        writer.Guid(JobId);
        writer.String(Kernel);
        writer.String(InputType);
        writer.String(OutputType);
        writer.OptionalTimeSpan(ItemTimeout);
        writer.OptionalTimeSpan(JobTimeout);
        writer.OptionalInstant(Deadline);
        writer.Bool(Ordered);
        writer.VarInt(MaxInFlight);
        writer.Guid(ClientId);
        writer.String(ClientInbox);
        writer.Bytes(Settings);
        WireFields.WriteRetry(writer, Retry);
        writer.VarLong(MaxFailures ?? -1);
        writer.OptionalTimeSpan(HardItemTimeout);
    }

    public static JobStartMessage Read(ref WireReader reader) => new(
        reader.Guid("jobId"),
        reader.String("kernel"),
        reader.String("inputType"),
        reader.String("outputType"),
        reader.OptionalTimeSpan("itemTimeout"),
        reader.OptionalTimeSpan("jobTimeout"),
        reader.OptionalInstant("deadline"),
        reader.Bool("ordered"),
        reader.VarInt("maxInFlight"),
        reader.Guid("clientId"),
        reader.String("clientInbox"),
        reader.Bytes("settings").ToArray(),
        WireFields.ReadRetry(ref reader),
        ReadMaxFailures(ref reader),
        reader.OptionalTimeSpan("hardItemTimeout"));

    private static long? ReadMaxFailures(ref WireReader reader)
    {
        var value = reader.VarLong("maxFailures");
        return value switch
        {
            -1 => null,
            >= 0 => value,
            _ => throw new WireFormatException($"Field 'maxFailures' is {value}; it must be -1 (no limit) or more."),
        };
    }
}

/// <summary>Tells a client which silo owns its job now (<paramref name="Claim"/> changes each time the job is taken up anew), or that the job was refused.</summary>
/// <param name="Error">Why the job was refused; <see langword="null"/> when it was claimed.</param>
internal sealed record JobClaimedMessage(Guid JobId, Guid Claim, string OwnerInbox, string Silo, string? Error) : IWireMessage
{
    public string Kind => Error is null ? MessageKinds.JobClaimed : MessageKinds.JobRejected;

    public void Write(WireWriter writer)
    {
        writer.Guid(JobId);
        writer.Guid(Claim);
        writer.String(OwnerInbox);
        writer.String(Silo);
        writer.String(Error);
    }

    public static JobClaimedMessage Read(ref WireReader reader) => new(
        reader.Guid("jobId"), reader.Guid("claim"), reader.String("ownerInbox"), reader.String("silo"), reader.OptionalString("error"));
}

/// <summary>A batch of input items from the client to the job's silo, as JSON; the silo answers with a <see cref="JobReplyMessage"/> once the job has room.</summary>
internal sealed record PushMessage(Guid JobId, Guid Claim, long Sequence, long StartIndex, int Count, byte[] Items) : IWireMessage
{
    public string Kind => MessageKinds.Push;

    public void Write(WireWriter writer)
    {
        writer.Guid(JobId);
        writer.Guid(Claim);
        writer.VarLong(Sequence);
        writer.VarLong(StartIndex);
        writer.Count(Count);
        writer.Bytes(Items);
    }

    public static PushMessage Read(ref WireReader reader) => new(
        reader.Guid("jobId"), reader.Guid("claim"), reader.VarLong("sequence"), reader.VarLong("startIndex"), reader.Count("count", ChunkMessage.MaxItems), reader.Bytes("items").ToArray());
}

/// <summary>The job's silo answers a push: the batch was taken (<paramref name="Error"/> is <see langword="null"/>) or refused with the reason.</summary>
internal sealed record JobReplyMessage(Guid JobId, Guid Claim, long Sequence, string? Error) : IWireMessage
{
    public string Kind => MessageKinds.PushAck;

    public void Write(WireWriter writer)
    {
        writer.Guid(JobId);
        writer.Guid(Claim);
        writer.VarLong(Sequence);
        writer.String(Error);
    }

    public static JobReplyMessage Read(ref WireReader reader) => new(reader.Guid("jobId"), reader.Guid("claim"), reader.VarLong("sequence"), reader.OptionalString("error"));
}

/// <summary>The client's input has ended at <paramref name="NextIndex"/>; <paramref name="InputError"/> says why when reading it failed.</summary>
internal sealed record CompleteInputsMessage(Guid JobId, Guid Claim, long NextIndex, string? InputError) : IWireMessage
{
    public string Kind => MessageKinds.CompleteInputs;

    public void Write(WireWriter writer)
    {
        writer.Guid(JobId);
        writer.Guid(Claim);
        writer.VarLong(NextIndex);
        writer.String(InputError);
    }

    public static CompleteInputsMessage Read(ref WireReader reader) => new(reader.Guid("jobId"), reader.Guid("claim"), reader.VarLong("nextIndex"), reader.OptionalString("inputError"));
}

/// <summary>A small control message about one job: the client consumed <paramref name="Value"/> results (credit), or acknowledged the job's end.</summary>
internal sealed record JobSignalMessage(string Kind, Guid JobId, Guid Claim, long Value) : IWireMessage
{
    public void Write(WireWriter writer)
    {
        writer.Guid(JobId);
        writer.Guid(Claim);
        writer.VarLong(Value);
    }

    public static WireRead<JobSignalMessage> Reader(string kind) =>
        (ref WireReader reader) => new JobSignalMessage(kind, reader.Guid("jobId"), reader.Guid("claim"), reader.VarLong("value"));
}

/// <summary>The job has ended: its summary, and the error its result stream ended with, if any.</summary>
internal sealed record JobEndedMessage(Guid JobId, Guid Claim, JobSummary? Summary, string? ErrorType, string? ErrorMessage) : IWireMessage
{
    public string Kind => MessageKinds.JobEnded;

    public void Write(WireWriter writer)
    {
        writer.Guid(JobId);
        writer.Guid(Claim);
        writer.Bool(Summary is not null);
        if (Summary is not null)
        {
            WireFields.WriteSummary(writer, Summary);
        }

        writer.String(ErrorType);
        writer.String(ErrorMessage);
    }

    public static JobEndedMessage Read(ref WireReader reader) => new(
        reader.Guid("jobId"),
        reader.Guid("claim"),
        reader.Bool("hasSummary") ? WireFields.ReadSummary(ref reader) : null,
        reader.OptionalString("errorType"),
        reader.OptionalString("errorMessage"));
}

/// <summary>Cancels a job everywhere: its silo stops it, and every silo drops the job's queued chunks and signals its running ones.</summary>
internal sealed record CancelJobMessage(Guid JobId, string Reason) : IWireMessage
{
    public string Kind => MessageKinds.CancelJob;

    public void Write(WireWriter writer)
    {
        writer.Guid(JobId);
        writer.String(Reason);
    }

    public static CancelJobMessage Read(ref WireReader reader) => new(reader.Guid("jobId"), reader.String("reason"));
}
