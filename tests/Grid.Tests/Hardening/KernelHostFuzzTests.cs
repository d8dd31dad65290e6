using System.Text;
using System.Text.Json;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Kernels.Isolation;
using WorkerHost = Grid.Kernels.Isolation.KernelHost;

namespace Grid.Tests.Hardening;

/// <summary>Guards a worker process's decoding of what its silo sends: random and mutated item JSON of each declared type ends as the item's value or its error, and mutated chunk frames end as item outcomes or a clean refusal of the stream, never a crash.</summary>
[Trait("Category", "Process")]
public sealed class KernelHostFuzzTests
{
    private const int Iterations = 1500;
    private const int HostRuns = 400;
    private const int MaxFrameBytes = 64 * 1024;

    private static readonly byte[] JsonAlphabet = "[]{}\",:0123456789-.eE truefalsn\\uXYabc"u8.ToArray();

    public static TheoryData<string> Kernels() => ["long", "string", "record", "array", "validated record", "record with a parsed field"];

    [Theory]
    [MemberData(nameof(Kernels))]
    public void RandomAndMutatedItems_EndAsTheValueOrTheItemsError(string name)
    {
        var (kernel, input, sample) = Hosted(name);
        var valid = JsonSerializer.SerializeToUtf8Bytes(sample, input, ItemJson.Options);
        var random = new Random(20261241 ^ name.Length);
        var failures = new List<string>();
        using var limits = ItemLimits.Create(itemTimeout: null, jobTimeLeft: null, CancellationToken.None);
        for (var i = 0; i < Iterations; i++)
        {
            var json = (i % 3) switch
            {
                0 => FuzzBytes.Random(random, 100),
                1 => FuzzBytes.RandomFrom(random, 100, JsonAlphabet),
                _ => FuzzBytes.Mutate(random, valid, FuzzBytes.JsonTokens),
            };
            try
            {
                var error = kernel.Run(json, limits, CancellationToken.None, out var value, out _);
                if (error is null)
                {
                    using var document = JsonDocument.Parse(value);
                }
                else if (error.Status != ItemStatus.Failed || string.IsNullOrEmpty(error.Message))
                {
                    failures.Add($"{Encoding.UTF8.GetString(json)}: {error}");
                }
            }
            catch (Exception exception)
            {
                failures.Add($"{Encoding.UTF8.GetString(json)}: {exception.GetType().Name}: {exception.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
    }

    [Fact]
    public void ItemThatIsNotJsonOfTheInputType_FailsNamingTheTypeAndTheKernel()
    {
        var (kernel, _, _) = Hosted("record");
        using var limits = ItemLimits.Create(itemTimeout: null, jobTimeLeft: null, CancellationToken.None);

        var error = kernel.Run("{\"X\":\"three\"}"u8, limits, CancellationToken.None, out _, out _);

        Assert.NotNull(error);
        Assert.StartsWith($"The input is not JSON of {typeof(FuzzPoint).FullName}, which kernel 'fuzz-record' takes: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ItemNestedPastTheDepthLimit_FailsAsTheItemsError()
    {
        var (kernel, _, _) = Hosted("record");
        using var limits = ItemLimits.Create(itemTimeout: null, jobTimeLeft: null, CancellationToken.None);
        var json = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"Next\":", 100_000)));

        var error = kernel.Run(json, limits, CancellationToken.None, out _, out _);

        Assert.NotNull(error);
        Assert.Contains("64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MutatedChunkFrames_EndAsItemOutcomesOrARefusalOfTheStream()
    {
        var random = new Random(20261242);
        var valid = ChunkPayload("fuzz-long", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), [(0, "5"u8.ToArray()), (1, "-7"u8.ToArray()), (2, "\"x\""u8.ToArray())]);
        var failures = new List<string>();
        for (var i = 0; i < HostRuns; i++)
        {
            var payload = i % 5 == 0 ? FuzzBytes.Random(random, 80) : FuzzBytes.Mutate(random, valid, FuzzBytes.JsonTokens);
            var (exit, frames, log) = RunHost([(KernelFrames.Chunk, payload)]);
            if (exit == WorkerHost.MalformedInput)
            {
                if (!log.StartsWith("grid-kernel-host: ", StringComparison.Ordinal))
                {
                    failures.Add($"[{Convert.ToHexString(payload)}]: exit {exit} with log '{log}'");
                }

                continue;
            }

            if (exit != 0 || frames.Count == 0 || frames[0].Kind != KernelFrames.Ready || frames.Skip(1).Any(f => f.Kind != KernelFrames.Item || !IsItemOutcome(f.Payload)))
            {
                failures.Add($"[{Convert.ToHexString(payload)}]: exit {exit}, frames {string.Join(',', frames.Select(f => f.Kind))}, log '{log}'");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
    }

    [Theory]
    [InlineData(long.MaxValue, long.MaxValue)]
    [InlineData(long.MaxValue, -1L)]
    [InlineData(1L, long.MaxValue)]
    [InlineData(-5L, long.MinValue)]
    public void ChunkFrameTimeLimitsOfAnySize_RunTheItems(long itemTimeoutTicks, long timeLeftTicks)
    {
        var payload = ChunkPayload("fuzz-long", TimeSpan.FromTicks(itemTimeoutTicks), TimeSpan.FromTicks(timeLeftTicks), [(0, "21"u8.ToArray())]);

        var (exit, frames, log) = RunHost([(KernelFrames.Chunk, payload)]);

        Assert.True(exit == 0, log);
        Assert.Equal(2, frames.Count);
        Assert.True(IsItemOutcome(frames[1].Payload));
    }

    [Theory]
    [InlineData(40L * 24 * 3600 * 1000)]
    [InlineData(50L * 24 * 3600 * 1000)]
    [InlineData(long.MaxValue / TimeSpan.TicksPerMillisecond)]
    public void TimeLimitsPastWhatATimerTakes_AreNoLimitInsteadOfAnError(long milliseconds)
    {
        var limit = TimeSpan.FromMilliseconds(milliseconds);
        using var limits = ItemLimits.Create(limit, limit, CancellationToken.None);

        var token = limits.BeginItem();
        limits.EndItem();

        Assert.False(token.IsCancellationRequested);
        Assert.Null(limits.StopReason(CancellationToken.None));
    }

    [Fact]
    public void ChunkFrameOverTheFrameLimit_IsRefusedNamingTheLimit()
    {
        var payload = ChunkPayload("fuzz-long", null, null, [(0, Encoding.UTF8.GetBytes(new string('1', MaxFrameBytes)))]);

        var (exit, _, log) = RunHost([(KernelFrames.Chunk, payload)], writeLimit: int.MaxValue);

        Assert.Equal(WorkerHost.MalformedInput, exit);
        Assert.Contains($"frames are 1 to {MaxFrameBytes} bytes (Grid:Isolation:MaxFrameBytes)", log, StringComparison.Ordinal);
    }

    [Fact]
    public void ValueOverTheFrameLimit_FailsTheItemNamingTheLimit()
    {
        var payload = ChunkPayload("fuzz-repeat", null, null, [(0, Encoding.UTF8.GetBytes(MaxFrameBytes.ToString(System.Globalization.CultureInfo.InvariantCulture))), (1, "3"u8.ToArray())]);

        var (exit, frames, _) = RunHost([(KernelFrames.Chunk, payload)]);

        Assert.Equal(0, exit);
        Assert.Equal(3, frames.Count);
        using var reader = new BinaryReader(new MemoryStream(frames[1].Payload));
        Assert.Equal(0, reader.ReadInt32());
        Assert.Equal((byte)ItemStatus.Failed, reader.ReadByte());
        reader.ReadInt64();
        reader.ReadInt64();
        Assert.Equal(KernelReasons.WorkerFailed, reader.ReadString());
        Assert.Equal($"The item's value is {MaxFrameBytes + 2} bytes of JSON, more than a worker process sends in one frame ({MaxFrameBytes} bytes, Grid:Isolation:MaxFrameBytes).", reader.ReadString());
        Assert.True(IsItemOutcome(frames[2].Payload));
    }

    /// <summary>Runs a worker process's loop in this process over the given frames after its Init frame; returns its exit code, the frames it wrote and its log.</summary>
    private static (int Exit, List<(byte Kind, byte[] Payload)> Frames, string Log) RunHost(IEnumerable<(byte Kind, byte[] Payload)> frames, int writeLimit = MaxFrameBytes)
    {
        var kernels = new[] { Spec<FuzzLongKernel>("fuzz-long"), Spec<FuzzRepeatKernel>("fuzz-repeat") };
        using var input = new MemoryStream();
        KernelFrames.Write(input, KernelFrames.Init, JsonSerializer.SerializeToUtf8Bytes(new HostInit(KernelFrames.Version, MaxFrameBytes, 0, kernels)), MaxFrameBytes);
        foreach (var (kind, payload) in frames)
        {
            KernelFrames.Write(input, kind, payload, writeLimit);
        }

        input.Position = 0;
        using var output = new MemoryStream();
        using var log = new StringWriter();
        var exit = WorkerHost.Run(input, output, log);
        if (exit == WorkerHost.MalformedInput)
        {
            // The host stops reading at once; its kernel thread may still be writing the outcomes of earlier chunks.
            return (exit, new List<(byte, byte[])>(), log.ToString());
        }

        output.Position = 0;
        var written = new List<(byte, byte[])>();
        while (KernelFrames.TryRead(output, MaxFrameBytes, out var kind, out var payload))
        {
            written.Add((kind, payload));
        }

        return (exit, written, log.ToString());
    }

    private static HostedKernelSpec Spec<TKernel>(string name)
    {
        var (input, output) = KernelRegistry.GetKernelTypes(typeof(TKernel));
        return new HostedKernelSpec(name, typeof(TKernel).Assembly.Location, typeof(TKernel).FullName!, input.FullName!, output.FullName!);
    }

    private static byte[] ChunkPayload(string kernel, TimeSpan? itemTimeout, TimeSpan? timeLeft, (int Position, byte[] Json)[] items)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(kernel);
            writer.Write(itemTimeout?.Ticks ?? 0);
            writer.Write(timeLeft is not null);
            writer.Write(timeLeft?.Ticks ?? 0);
            writer.Write(items.Length);
            foreach (var (position, json) in items)
            {
                writer.Write(position);
                writer.Write(json.Length);
                writer.Write(json);
            }
        }

        return buffer.ToArray();
    }

    // An item frame as the silo reads it: position, status, duration, resident bytes, then the value or the error's type, message and detail.
    private static bool IsItemOutcome(byte[] payload)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload));
            reader.ReadInt32();
            var status = (ItemStatus)reader.ReadByte();
            reader.ReadInt64();
            reader.ReadInt64();
            if (status == ItemStatus.Ok)
            {
                using var value = JsonDocument.Parse(reader.ReadBytes(reader.ReadInt32()));
            }
            else if (status is ItemStatus.Failed or ItemStatus.TimedOut or ItemStatus.Cancelled)
            {
                if (reader.ReadString().Length == 0 || reader.ReadString().Length == 0)
                {
                    return false;
                }

                reader.ReadString();
            }
            else
            {
                return false;
            }

            return reader.BaseStream.Position == payload.Length;
        }
        catch (Exception exception) when (exception is EndOfStreamException or JsonException or FormatException or IOException)
        {
            return false;
        }
    }

    private static (HostedKernel Kernel, Type Input, object Sample) Hosted(string name) => name switch
    {
        "long" => (HostedKernel.Create("fuzz-long", new FuzzLongKernel(), typeof(long), typeof(long)), typeof(long), 42L),
        "string" => (HostedKernel.Create("fuzz-string", new FuzzStringKernel(), typeof(string), typeof(int)), typeof(string), "\u00e9t\u00e9"),
        "record" => (HostedKernel.Create("fuzz-record", new FuzzPointKernel(), typeof(FuzzPoint), typeof(string)), typeof(FuzzPoint),
            new FuzzPoint(1, 2, "p", [0.5], new FuzzPoint(3, 4, null, null, null))),
        "array" => (HostedKernel.Create("fuzz-array", new FuzzSumKernel(), typeof(long[]), typeof(long)), typeof(long[]), new long[] { 1, 2, 3 }),
        "validated record" => (HostedKernel.Create("fuzz-range", new FuzzRangeKernel(), typeof(FuzzRange), typeof(long)), typeof(FuzzRange), new FuzzRange(2, 9)),
        _ => (HostedKernel.Create("fuzz-link", new FuzzLinkKernel(), typeof(FuzzLink), typeof(string)), typeof(FuzzLink), new FuzzLink("https://example.com/")),
    };
}

// Kernels of the hardening tests. A worker process loads them by name from this assembly's file, so they are public; they carry
// no [Kernel] attribute, so that no silo of the other tests picks them up.

/// <summary>Doubles its input.</summary>
public sealed class FuzzLongKernel : IKernel<long, long>
{
    public long Execute(long input, CancellationToken cancellationToken) => unchecked(input * 2);
}

/// <summary>Returns a string of <c>x</c> as long as its input.</summary>
public sealed class FuzzRepeatKernel : IKernel<long, string>
{
    public string Execute(long input, CancellationToken cancellationToken) => new('x', (int)Math.Clamp(input, 0, 1 << 20));
}

/// <summary>Returns the length of its input.</summary>
public sealed class FuzzStringKernel : IKernel<string, int>
{
    public int Execute(string input, CancellationToken cancellationToken) => input?.Length ?? -1;
}

/// <summary>Returns the label of its input.</summary>
public sealed class FuzzPointKernel : IKernel<FuzzPoint, string>
{
    public string Execute(FuzzPoint input, CancellationToken cancellationToken) => input?.Label ?? string.Empty;
}

/// <summary>Sums its input, failing on overflow.</summary>
public sealed class FuzzSumKernel : IKernel<long[], long>
{
    public long Execute(long[] input, CancellationToken cancellationToken) => checked(input?.Sum() ?? 0);
}

/// <summary>Returns the width of its input.</summary>
public sealed class FuzzRangeKernel : IKernel<FuzzRange, long>
{
    public long Execute(FuzzRange input, CancellationToken cancellationToken) => unchecked((input?.To ?? 0) - (input?.From ?? 0));
}

/// <summary>Returns the host of its input.</summary>
public sealed class FuzzLinkKernel : IKernel<FuzzLink, string>
{
    public string Execute(FuzzLink input, CancellationToken cancellationToken) => input?.Address.Host ?? string.Empty;
}
