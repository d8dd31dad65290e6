using Grid.Cluster.Wire;
using Grid.Jobs;

namespace Grid.Tests.Cluster.Wire;

/// <summary>Random and mutated bodies never make a cluster message reader fail in any way but <see cref="WireFormatException"/>: a silo refuses them and runs on.</summary>
public sealed class WireFuzzTests
{
    private const int Iterations = 3000;

    public static TheoryData<string> Kinds() =>
    [
        MessageKinds.Chunk, MessageKinds.ChunkDone, MessageKinds.JobStart, MessageKinds.JobClaimed, MessageKinds.Push, MessageKinds.PushAck,
        MessageKinds.CompleteInputs, MessageKinds.Consumed, MessageKinds.JobEnded, MessageKinds.CancelJob, MessageKinds.Heartbeat, MessageKinds.Bye, MessageKinds.Kernels,
    ];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RandomBodies_FailOnlyAsWireFormatErrors(string kind)
    {
        var random = new Random(20261122);
        var failures = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            var body = new byte[random.Next(0, 200)];
            random.NextBytes(body);
            if (body.Length > 0 && random.Next(2) == 0)
            {
                body[0] = MessageKinds.Version;
            }

            Check(kind, body, failures);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void MutatedBodies_FailOnlyAsWireFormatErrors(string kind)
    {
        var valid = Sample(kind);
        var random = new Random(kind.GetHashCode(StringComparison.Ordinal) ^ 77);
        var failures = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            var body = (byte[])valid.Clone();
            switch (random.Next(4))
            {
                case 0:
                    body[random.Next(1, body.Length)] = (byte)random.Next(256);
                    break;
                case 1:
                    body = body[..random.Next(1, body.Length)];
                    break;
                case 2:
                    for (var j = random.Next(1, 4); j > 0; j--)
                    {
                        body[random.Next(1, body.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                default:
                    var at = random.Next(1, body.Length);
                    body = [.. body[..at], .. Enumerable.Repeat((byte)0xFF, random.Next(1, 12)), .. body[at..]];
                    break;
            }

            Check(kind, body, failures);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
    }

    private static void Check(string kind, byte[] body, List<string> failures)
    {
        try
        {
            Read(kind, body);
        }
        catch (WireFormatException)
        {
            // Refused as malformed: what a silo does with it.
        }
        catch (Exception exception)
        {
            failures.Add($"{kind} [{Convert.ToHexString(body)}]: {exception.GetType().Name}: {exception.Message}");
        }
    }

    /// <summary>Reads a body the way a member does: the message, then the items it carries as the declared type.</summary>
    private static void Read(string kind, byte[] body)
    {
        switch (kind)
        {
            case MessageKinds.Chunk:
                WireMessage.Decode(body, kind, ChunkMessage.Read).ToChunk(typeof(long));
                break;
            case MessageKinds.ChunkDone:
                WireMessage.Decode(body, kind, ChunkResultMessage.Reader(kind)).ToChunkResult(typeof(bool));
                break;
            case MessageKinds.JobStart:
                WireMessage.Decode(body, kind, JobStartMessage.Read);
                break;
            case MessageKinds.JobClaimed:
                WireMessage.Decode(body, kind, JobClaimedMessage.Read);
                break;
            case MessageKinds.Push:
                var push = WireMessage.Decode(body, kind, PushMessage.Read);
                ItemCodec.Decode(push.Items, typeof(long), push.Count);
                break;
            case MessageKinds.PushAck:
                WireMessage.Decode(body, kind, JobReplyMessage.Read);
                break;
            case MessageKinds.CompleteInputs:
                WireMessage.Decode(body, kind, CompleteInputsMessage.Read);
                break;
            case MessageKinds.Consumed:
                WireMessage.Decode(body, kind, JobSignalMessage.Reader(kind));
                break;
            case MessageKinds.JobEnded:
                WireMessage.Decode(body, kind, JobEndedMessage.Read);
                break;
            case MessageKinds.CancelJob:
                WireMessage.Decode(body, kind, CancelJobMessage.Read);
                break;
            case MessageKinds.Heartbeat:
                WireMessage.Decode(body, kind, HeartbeatMessage.Read);
                break;
            case MessageKinds.Bye:
                WireMessage.Decode(body, kind, ByeMessage.Read);
                break;
            default:
                WireMessage.Decode(body, kind, KernelsMessage.Read);
                break;
        }
    }

    private static byte[] Sample(string kind)
    {
        var id = Guid.NewGuid();
        IWireMessage message = kind switch
        {
            MessageKinds.Chunk => ChunkMessage.From(new Chunk(id, 1, 0, "is-prime", new long[] { 2, 3, 4 }) { ItemTimeout = TimeSpan.FromSeconds(1) }, 1),
            MessageKinds.ChunkDone => ChunkResultMessage.From(kind, new ChunkResult(id, 1, 0, new[] { true, false }, [null, new ItemError(ItemStatus.Failed, "T", "m")], [TimeSpan.Zero, TimeSpan.FromTicks(9)], "w", TimeSpan.FromTicks(9)) { Attempts = [1, 3] }, id, 0),
            MessageKinds.JobStart => new JobStartMessage(id, "is-prime", "System.Int64", "System.Boolean", null, TimeSpan.FromSeconds(1), null, false, 10, id, "inbox", [1], new RetryPolicy { RetryOn = ["System.IO.IOException"] }, 4, TimeSpan.FromSeconds(3)),
            MessageKinds.JobClaimed => new JobClaimedMessage(id, id, "inbox", "silo", null),
            MessageKinds.Push => new PushMessage(id, id, 1, 0, 2, ItemCodec.Encode(new long[] { 5, 6 })),
            MessageKinds.PushAck => new JobReplyMessage(id, id, 1, "e"),
            MessageKinds.CompleteInputs => new CompleteInputsMessage(id, id, 3, "why"),
            MessageKinds.Consumed => new JobSignalMessage(kind, id, id, 3),
            MessageKinds.JobEnded => new JobEndedMessage(id, id, new JobSummary(id, "k", JobOutcome.Completed, 1, 1, 0, 0, 0, TimeSpan.FromSeconds(1), [new WorkerUsage("w", 1, 1, TimeSpan.Zero)]), null, null),
            MessageKinds.CancelJob => new CancelJobMessage(id, "r"),
            MessageKinds.Heartbeat => new HeartbeatMessage(id, MemberKind.Silo, MemberState.Active, "s", "h", 1, "i", 2, 0, 0, 0, 0, 0, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), 1 << 30, 12.5, 2),
            MessageKinds.Bye => new ByeMessage(id),
            _ => new KernelsMessage([("k", "A", "B")]),
        };
        return WireMessage.Encode(message, 1 << 20);
    }
}
