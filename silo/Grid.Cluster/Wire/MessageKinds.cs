namespace Grid.Cluster.Wire;

/// <summary>The names of Grid's cluster messages, carried in each AMQP message's <c>type</c> property.</summary>
internal static class MessageKinds
{
    /// <summary>The version of the binary layout; the first byte of every body. A reader refuses other versions.</summary>
    public const byte Version = 1;

    public const string Chunk = "chunk";
    public const string ChunkDone = "chunk.done";
    public const string JobStart = "job.start";
    public const string JobClaimed = "job.claimed";
    public const string JobRejected = "job.rejected";
    public const string Push = "job.push";
    public const string PushAck = "job.push.ack";
    public const string CompleteInputs = "job.complete";
    public const string Results = "job.results";
    public const string Consumed = "job.consumed";
    public const string JobEnded = "job.ended";
    public const string JobEndedAck = "job.ended.ack";
    public const string Reclaim = "job.reclaim";
    public const string CancelJob = "job.cancel";
    public const string Heartbeat = "member.heartbeat";
    public const string Bye = "member.bye";
    public const string KernelsRequest = "kernels.get";
    public const string Kernels = "kernels";
}
