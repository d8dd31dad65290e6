using Grid.Cluster.Wire;
using Grid.Jobs;
using Grid.Kernels;

namespace Grid.Tests.Cluster.Wire;

/// <summary>Every cluster message reads back as written, and the reader refuses what is not a message it knows.</summary>
public sealed class WireMessageTests
{
    private const int Limit = 1 << 20;

    [Fact]
    public void Chunk_RoundTrips_WithItsItemsAsTheKernelsType()
    {
        var chunk = new Chunk(Guid.NewGuid(), 7, 1000, "is-prime", new long[] { 2, 3, long.MaxValue })
        {
            ItemTimeout = TimeSpan.FromSeconds(3),
            HardItemTimeout = TimeSpan.FromSeconds(4),
            Deadline = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero),
        };

        var read = RoundTrip(ChunkMessage.From(chunk, attempt: 2), ChunkMessage.Read);
        var back = read.ToChunk(typeof(long));

        Assert.Equal(2, read.Attempt);
        Assert.Equal(chunk.JobId, back.JobId);
        Assert.Equal(7, back.ChunkId);
        Assert.Equal(1000, back.StartIndex);
        Assert.Equal("is-prime", back.Kernel);
        Assert.Equal(chunk.ItemTimeout, back.ItemTimeout);
        Assert.Equal(chunk.HardItemTimeout, back.HardItemTimeout);
        Assert.Equal(chunk.Deadline, back.Deadline);
        Assert.Equal(new long[] { 2, 3, long.MaxValue }, (long[])back.Inputs);
    }

    [Fact]
    public void ChunkResult_RoundTrips_ValuesErrorsDurationsAndWorker()
    {
        var errors = new ItemError?[] { null, new ItemError(ItemStatus.TimedOut, "System.TimeoutException", "too slow") { Detail = "at Kernel.Run" }, null };
        var result = new ChunkResult(Guid.NewGuid(), 3, 40, new[] { true, false, true }, errors, [TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(5), TimeSpan.Zero], "silo-1/worker-2", TimeSpan.FromMilliseconds(9))
        {
            Started = new DateTimeOffset(2026, 11, 22, 1, 2, 3, TimeSpan.Zero),
        };
        var claim = Guid.NewGuid();

        var read = RoundTrip(ChunkResultMessage.From(MessageKinds.Results, result, claim, indexShift: 100), ChunkResultMessage.Reader(MessageKinds.Results));
        var back = read.ToChunkResult(typeof(bool));

        Assert.Equal(claim, read.Claim);
        Assert.Equal(140, back.StartIndex);
        Assert.Equal(new[] { true, false, true }, (bool[])back.Outputs!);
        Assert.Null(back.Errors![0]);
        Assert.Equal(errors[1], back.Errors[1]);
        Assert.Equal(errors[1]!.Detail, back.Errors[1]!.Detail);
        Assert.Equal(result.Durations, back.Durations);
        Assert.Equal("silo-1/worker-2", back.Worker);
        Assert.Equal(result.Busy, back.Busy);
        Assert.Equal(result.Started, back.Started);
    }

    [Fact]
    public void ChunkResult_WithAttempts_RoundTripsEachItemsAttempts()
    {
        var result = new ChunkResult(Guid.NewGuid(), 3, 40, new[] { 1, 2, 3 }, null, new TimeSpan[3], "w", TimeSpan.Zero) { Attempts = [1, 4, 2] };

        var back = RoundTrip(ChunkResultMessage.From(MessageKinds.Results, result, Guid.Empty, 0), ChunkResultMessage.Reader(MessageKinds.Results)).ToChunkResult(typeof(int));
        var once = RoundTrip(ChunkResultMessage.From(MessageKinds.Results, result with { Attempts = null }, Guid.Empty, 0), ChunkResultMessage.Reader(MessageKinds.Results)).ToChunkResult(typeof(int));

        Assert.Equal([1, 4, 2], back.Attempts!);
        Assert.Null(once.Attempts);
    }

    [Fact]
    public void ChunkResult_WithoutOutputsOrErrors_RoundTrips()
    {
        var result = ChunkResult.NotRun(new Chunk(Guid.NewGuid(), 0, 0, "k", new int[2]), new ItemError(ItemStatus.Cancelled, "X", "stopped"), "none");

        var back = RoundTrip(ChunkResultMessage.From(MessageKinds.ChunkDone, result, Guid.Empty, 0), ChunkResultMessage.Reader(MessageKinds.ChunkDone)).ToChunkResult(typeof(int));

        Assert.Null(back.Outputs);
        Assert.All(back.Errors!, e => Assert.Equal(ItemStatus.Cancelled, e!.Status));
    }

    [Fact]
    public void JobMessages_RoundTrip()
    {
        var start = new JobStartMessage(Guid.NewGuid(), "is-prime", "System.Int64", "System.Boolean", TimeSpan.FromSeconds(1), null, DateTimeOffset.UnixEpoch, true, 500, Guid.NewGuid(), "grid.inbox.x", [1, 2, 3], HardItemTimeout: TimeSpan.FromSeconds(2));
        var read = RoundTrip(start, JobStartMessage.Read);
        Assert.Equal(start with { Settings = read.Settings }, read);
        Assert.Equal(start.Settings, read.Settings);

        var claimed = new JobClaimedMessage(Guid.NewGuid(), Guid.NewGuid(), "grid.inbox.y", "silo-2", null);
        Assert.Equal(claimed, RoundTrip(claimed, JobClaimedMessage.Read));
        Assert.Equal(MessageKinds.JobRejected, (claimed with { Error = "no such kernel" }).Kind);

        var reply = new JobReplyMessage(Guid.NewGuid(), Guid.NewGuid(), 12, "full");
        Assert.Equal(reply, RoundTrip(reply, JobReplyMessage.Read));

        var complete = new CompleteInputsMessage(Guid.NewGuid(), Guid.NewGuid(), 99, null);
        Assert.Equal(complete, RoundTrip(complete, CompleteInputsMessage.Read));

        var signal = new JobSignalMessage(MessageKinds.Consumed, Guid.NewGuid(), Guid.NewGuid(), 4096);
        Assert.Equal(signal, RoundTrip(signal, JobSignalMessage.Reader(MessageKinds.Consumed)));

        var cancel = new CancelJobMessage(Guid.NewGuid(), "user asked");
        Assert.Equal(cancel, RoundTrip(cancel, CancelJobMessage.Read));
    }

    [Fact]
    public void JobStart_WithRetryAndMaxFailures_RoundTripsThem()
    {
        var retry = new RetryPolicy
        {
            MaxAttempts = 5,
            InitialDelay = TimeSpan.FromMilliseconds(20),
            BackoffFactor = 1.5,
            MaxDelay = TimeSpan.FromSeconds(3),
            RetryOn = ["System.IO.IOException", "System.TimeoutException"],
            RetryTimeouts = true,
            RetryCrashes = true,
        };
        var start = new JobStartMessage(Guid.NewGuid(), "k", "System.Int64", "System.Int64", null, null, null, false, 0, Guid.NewGuid(), "inbox", [], retry, MaxFailures: 7);

        var read = RoundTrip(start, JobStartMessage.Read);
        var none = RoundTrip(start with { Retry = null, MaxFailures = null }, JobStartMessage.Read);

        Assert.Equal(retry with { RetryOn = read.Retry!.RetryOn }, read.Retry);
        Assert.Equal(retry.RetryOn, read.Retry.RetryOn);
        Assert.Equal(7, read.MaxFailures);
        Assert.Null(none.Retry);
        Assert.Null(none.MaxFailures);
    }

    [Fact]
    public void JobEnded_RoundTripsTheSummary()
    {
        var summary = new JobSummary(Guid.NewGuid(), "is-prime", JobOutcome.TimedOut, 10, 5, 2, 2, 1, TimeSpan.FromSeconds(3), [new WorkerUsage("w1", 2, 7, TimeSpan.FromSeconds(1))])
        {
            Error = "late",
            FailureReasons = new Dictionary<string, long> { ["timeout"] = 2, ["http-500"] = 1 },
            Retries = 9,
            TimeoutRetries = 2,
            CrashRetries = 1,
        };

        var read = RoundTrip(new JobEndedMessage(summary.JobId, Guid.NewGuid(), summary, "Grid.GridException", "broke"), JobEndedMessage.Read);

        Assert.Equal(summary.Outcome, read.Summary!.Outcome);
        Assert.Equal((summary.Total, summary.Succeeded, summary.Failed, summary.TimedOut, summary.Cancelled), (read.Summary.Total, read.Summary.Succeeded, read.Summary.Failed, read.Summary.TimedOut, read.Summary.Cancelled));
        Assert.Equal(summary.WallTime, read.Summary.WallTime);
        Assert.Equal(summary.Workers, read.Summary.Workers);
        Assert.Equal("late", read.Summary.Error);
        Assert.Equal(summary.FailureReasons, read.Summary.FailureReasons);
        Assert.Equal((9L, 2L, 1L), (read.Summary.Retries, read.Summary.TimeoutRetries, read.Summary.CrashRetries));
        Assert.Equal("broke", read.ErrorMessage);
    }

    [Fact]
    public void MemberMessages_RoundTrip()
    {
        var beat = new HeartbeatMessage(Guid.NewGuid(), MemberKind.Silo, MemberState.Leaving, "silo-1", "host", 42, "grid.inbox.z", 4, 3, 2, 10, 1, 3, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), 123_456_789, 4.25, 8);
        Assert.Equal(beat, RoundTrip(beat, HeartbeatMessage.Read));

        var kernels = KernelsMessage.From([new KernelInfo("is-prime", typeof(long), typeof(bool))]);
        Assert.Equal(("is-prime", "System.Int64", "System.Boolean"), Assert.Single(RoundTrip(kernels, KernelsMessage.Read).Kernels));
    }

    [Fact]
    public void Decode_OtherVersion_IsRefusedNamingBothVersions()
    {
        var body = WireMessage.Encode(new CancelJobMessage(Guid.NewGuid(), "x"), Limit);
        body[0] = 9;

        var error = Assert.Throws<WireFormatException>(() => WireMessage.Decode(body, MessageKinds.CancelJob, CancelJobMessage.Read));

        Assert.Contains("version 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TrailingBytes_AreRefused()
    {
        var body = WireMessage.Encode(new CancelJobMessage(Guid.NewGuid(), "x"), Limit).Append((byte)0).ToArray();

        var error = Assert.Throws<WireFormatException>(() => WireMessage.Decode(body, MessageKinds.CancelJob, CancelJobMessage.Read));

        Assert.Contains("after its last field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_OverTheLimit_NamesTheSetting()
    {
        var message = new PushMessage(Guid.NewGuid(), Guid.NewGuid(), 1, 0, 1, new byte[10_000]);

        var error = Assert.Throws<GridException>(() => WireMessage.Encode(message, 4096));

        Assert.Contains("Grid:Cluster:MaxMessageBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Items_NotOfTheKernelsType_AreRefusedNamingTheType()
    {
        var json = ItemCodec.Encode(new[] { "seven" });

        var error = Assert.Throws<WireFormatException>(() => ItemCodec.Decode(json, typeof(long), 1));

        Assert.Contains("System.Int64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Items_CountDiffersFromTheMessage_AreRefused()
    {
        var json = ItemCodec.Encode(new long[] { 1, 2 });

        var error = Assert.Throws<WireFormatException>(() => ItemCodec.Decode(json, typeof(long), 3));

        Assert.Contains("3 items", error.Message, StringComparison.Ordinal);
    }

    private static T RoundTrip<T>(IWireMessage message, WireRead<T> read) => WireMessage.Decode(WireMessage.Encode(message, Limit), message.Kind, read);
}
