using Grid.Jobs;

namespace Grid.Cluster.Wire;

/// <summary>A chunk of one job on the shared work queue: what a worker silo needs to run it, with the items as JSON.</summary>
internal sealed record ChunkMessage(
    Guid JobId,
    long ChunkId,
    int Attempt,
    long StartIndex,
    string Kernel,
    TimeSpan? ItemTimeout,
    DateTimeOffset? Deadline,
    int Count,
    byte[] Items,
    TimeSpan? HardItemTimeout = null) : IWireMessage
{
    /// <summary>The most items one chunk may hold.</summary>
    public const int MaxItems = 1 << 24;

    public string Kind => MessageKinds.Chunk;

    public static ChunkMessage From(Chunk chunk, int attempt) => new(
        chunk.JobId, chunk.ChunkId, attempt, chunk.StartIndex, chunk.Kernel, chunk.ItemTimeout, chunk.Deadline, chunk.Count, ItemCodec.Encode(chunk.Inputs), chunk.HardItemTimeout);

    public void Write(WireWriter writer)
    {
        writer.Guid(JobId);
        writer.VarLong(ChunkId);
        writer.VarInt(Attempt);
        writer.VarLong(StartIndex);
        writer.String(Kernel);
        writer.OptionalTimeSpan(ItemTimeout);
        writer.OptionalInstant(Deadline);
        writer.Count(Count);
        writer.Bytes(Items);
        writer.OptionalTimeSpan(HardItemTimeout);
    }

    public static ChunkMessage Read(ref WireReader reader) => new(
        reader.Guid("jobId"),
        reader.VarLong("chunkId"),
        reader.VarInt("attempt"),
        reader.VarLong("startIndex"),
        reader.String("kernel"),
        reader.OptionalTimeSpan("itemTimeout"),
        reader.OptionalInstant("deadline"),
        reader.Count("count", MaxItems),
        reader.Bytes("items").ToArray(),
        reader.OptionalTimeSpan("hardItemTimeout"));

    /// <summary>Makes the chunk a worker runs, with the items decoded as the kernel's input type.</summary>
    public Chunk ToChunk(Type inputType) => new(JobId, ChunkId, StartIndex, Kernel, ItemCodec.Decode(Items, inputType, Count))
    {
        ItemTimeout = ItemTimeout,
        HardItemTimeout = HardItemTimeout,
        Deadline = Deadline,
    };
}

/// <summary>The results of a chunk on their way back: from a worker silo to the job's silo (<c>chunk.done</c>), or from the job's silo to the client (<c>job.results</c>).</summary>
/// <param name="Claim">The job owner's claim the results belong to; empty from a worker.</param>
/// <param name="Outputs">The kernel's values as a JSON array, or <see langword="null"/> when no item succeeded.</param>
/// <param name="Attempts">How many times each item ran, or <see langword="null"/> when each ran once.</param>
internal sealed record ChunkResultMessage(
    string Kind,
    Guid JobId,
    Guid Claim,
    long ChunkId,
    long StartIndex,
    byte[]? Outputs,
    ItemError?[]? Errors,
    TimeSpan[] Durations,
    string Worker,
    TimeSpan Busy,
    DateTimeOffset Started,
    int[]? Attempts = null) : IWireMessage
{
    /// <summary>The most characters of an item's error detail (its stack trace) that travel.</summary>
    public const int MaxDetail = 8192;

    public int Count => Durations.Length;

    public static ChunkResultMessage From(string kind, ChunkResult result, Guid claim, long indexShift) => new(
        kind,
        result.JobId,
        claim,
        result.ChunkId,
        result.StartIndex + indexShift,
        result.Outputs is null ? null : ItemCodec.Encode(result.Outputs),
        result.Errors,
        result.Durations,
        result.Worker,
        result.Busy,
        result.Started,
        result.Attempts);

    public ChunkResult ToChunkResult(Type outputType) => new(
        JobId,
        ChunkId,
        StartIndex,
        Outputs is null ? null : ItemCodec.Decode(Outputs, outputType, Count),
        Errors,
        Durations,
        Worker,
        Busy)
    {
        Started = Started,
        Attempts = Attempts,
    };

    public void Write(WireWriter writer)
    {
        writer.Guid(JobId);
        writer.Guid(Claim);
        writer.VarLong(ChunkId);
        writer.VarLong(StartIndex);
        writer.Count(Count);
        foreach (var duration in Durations)
        {
            writer.TimeSpan(duration);
        }

        writer.Bool(Outputs is not null);
        if (Outputs is not null)
        {
            writer.Bytes(Outputs);
        }

        var failed = Errors?.Count(e => e is not null) ?? 0;
        writer.Count(failed);
        if (Errors is not null)
        {
            for (var i = 0; i < Errors.Length; i++)
            {
                if (Errors[i] is { } error)
                {
                    writer.Count(i);
                    WireFields.WriteError(writer, error);
                }
            }
        }

        writer.String(Worker);
        writer.TimeSpan(Busy);
        writer.Instant(Started);

        // Like the errors, only the items that ran more than once are listed.
        var retried = Attempts?.Count(a => a != 1) ?? 0;
        writer.Count(retried);
        if (Attempts is not null)
        {
            for (var i = 0; i < Attempts.Length; i++)
            {
                if (Attempts[i] != 1)
                {
                    writer.Count(i);
                    writer.Count(Attempts[i]);
                }
            }
        }
    }

    public static WireRead<ChunkResultMessage> Reader(string kind) => (ref WireReader reader) => Read(ref reader, kind);

    private static ChunkResultMessage Read(ref WireReader reader, string kind)
    {
        var jobId = reader.Guid("jobId");
        var claim = reader.Guid("claim");
        var chunkId = reader.VarLong("chunkId");
        var startIndex = reader.VarLong("startIndex");
        var count = reader.Count("count", Math.Min(ChunkMessage.MaxItems, reader.Remaining));
        var durations = new TimeSpan[count];
        for (var i = 0; i < count; i++)
        {
            durations[i] = reader.TimeSpan("durations");
        }

        var outputs = reader.Bool("hasOutputs") ? reader.Bytes("outputs").ToArray() : null;
        var failed = reader.Count("failed", count);
        ItemError?[]? errors = null;
        if (failed > 0)
        {
            errors = new ItemError?[count];
            for (var i = 0; i < failed; i++)
            {
                var index = reader.Count("errorIndex", count - 1);
                errors[index] = WireFields.ReadError(ref reader);
            }
        }

        var worker = reader.String("worker");
        var busy = reader.TimeSpan("busy");
        var started = reader.Instant("started");
        var retried = reader.Count("retried", count);
        int[]? attempts = null;
        if (retried > 0)
        {
            attempts = new int[count];
            Array.Fill(attempts, 1);
            for (var i = 0; i < retried; i++)
            {
                var index = reader.Count("attemptIndex", count - 1);
                attempts[index] = reader.Count("attempts", RetryPolicy.MaxAttemptsLimit) is var n and > 0
                    ? n
                    : throw new WireFormatException("Field 'attempts' is 0; an item that has a result ran at least once.");
            }
        }

        return new ChunkResultMessage(kind, jobId, claim, chunkId, startIndex, outputs, errors, durations, worker, busy, started, attempts);
    }
}
