namespace Grid.Cluster.Transport;

/// <summary>The names of one cluster's queues and exchanges on the broker, all prefixed by the cluster's name.</summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>{name}.work</c>: the shared work queue of chunks (durable); each silo takes only as many as it has free workers.</item>
/// <item><c>{name}.jobs</c>: jobs waiting for a silo to own them (durable); a job's message stays unacknowledged while its silo runs it.</item>
/// <item><c>{name}.rpc</c>: small requests any silo answers (the kernel list).</item>
/// <item><c>{name}.dead</c>: messages refused as malformed or too large, kept for inspection.</item>
/// <item><c>{name}.broadcast</c>: a fanout exchange every member's inbox is bound to (heartbeats, cancellations).</item>
/// <item><c>{name}.inbox.{member}</c>: one member's private queue (exclusive, deleted when the member goes).</item>
/// </list>
/// </remarks>
internal sealed class Topology(string name)
{
    public string Name => name;

    public string WorkQueue { get; } = $"{name}.work";

    public string JobQueue { get; } = $"{name}.jobs";

    public string RpcQueue { get; } = $"{name}.rpc";

    public string DeadQueue { get; } = $"{name}.dead";

    public string Broadcast { get; } = $"{name}.broadcast";

    public string Inbox(Guid member) => $"{name}.inbox.{member:N}";

    /// <summary>Gets the arguments of every queue whose refused messages go to the dead-letter queue.</summary>
    public Dictionary<string, object?> DeadLettered() => new()
    {
        ["x-dead-letter-exchange"] = string.Empty,
        ["x-dead-letter-routing-key"] = DeadQueue,
    };
}
