using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Grid.Jobs;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Grid.Kernels.Isolation;

/// <summary>The worker process's side: loads the kernels the silo names, then runs the items of each chunk it is sent one after another, writing each item's outcome the moment it ends.</summary>
/// <remarks>
/// The item running when the process dies is the first one without an outcome, which is how the silo knows which item crashed it.
/// Only the protocol uses the process's real standard output: <see cref="Console.Out"/> goes to standard error, so a kernel
/// that prints cannot break the framing.
/// </remarks>
internal static class KernelHost
{
    /// <summary>The exit code when the silo's frames cannot be read.</summary>
    public const int MalformedInput = 3;

    /// <summary>Serves the silo on <paramref name="input"/> and <paramref name="output"/> until the silo closes the input; returns the exit code.</summary>
    public static int Run(Stream input, Stream output, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(log);
        HostInit? init;
        try
        {
            if (!KernelFrames.TryRead(input, 16 << 20, out var kind, out var payload) || kind != KernelFrames.Init)
            {
                log.WriteLine("grid-kernel-host: the first frame must be Init.");
                return MalformedInput;
            }

            init = JsonSerializer.Deserialize<HostInit>(payload);
        }
        catch (Exception exception) when (exception is InvalidDataException or JsonException or IOException)
        {
            log.WriteLine($"grid-kernel-host: the Init frame could not be read: {exception.Message}");
            return MalformedInput;
        }

        if (init is null || init.Version != KernelFrames.Version || init.MaxFrameBytes < 1024)
        {
            log.WriteLine($"grid-kernel-host: the silo speaks protocol version {init?.Version}; this worker speaks {KernelFrames.Version}.");
            return MalformedInput;
        }

        ProbeSharedFrameworks();
        var kernels = new Dictionary<string, HostedKernel>(StringComparer.Ordinal);
        string? error = null;
        foreach (var spec in init.Kernels)
        {
            try
            {
                kernels[spec.Name] = Load(spec);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                error = $"kernel '{spec.Name}' ({spec.TypeName} in {spec.AssemblyPath}): {exception.GetBaseException().Message}";
                break;
            }
        }

        KernelFrames.Write(output, KernelFrames.Ready, JsonSerializer.SerializeToUtf8Bytes(new HostReady(Environment.ProcessId, error)), init.MaxFrameBytes);
        if (error is not null)
        {
            return 1;
        }

        return Serve(input, output, log, kernels, init);
    }

    private static int Serve(Stream input, Stream output, TextWriter log, Dictionary<string, HostedKernel> kernels, HostInit init)
    {
        var chunks = new BlockingCollection<(HostChunk Chunk, CancellationTokenSource Cancel)>();
        var runner = new Thread(() => RunChunks(chunks, output, kernels, init)) { IsBackground = true, Name = "grid kernel" };
        runner.Start();
        CancellationTokenSource? current = null;
        try
        {
            while (KernelFrames.TryRead(input, init.MaxFrameBytes, out var kind, out var payload))
            {
                switch (kind)
                {
                    case KernelFrames.Chunk:
                        current = new CancellationTokenSource();
                        chunks.Add((HostChunk.Read(payload), current));
                        break;
                    case KernelFrames.Cancel:
                        try
                        {
                            current?.Cancel();
                        }
                        catch (ObjectDisposedException)
                        {
                            // The chunk ended (its source disposed) before the silo's cancel arrived: nothing runs to stop.
                        }

                        break;
                    default:
                        log.WriteLine($"grid-kernel-host: unexpected frame of kind {kind}.");
                        return MalformedInput;
                }
            }

            // The silo closed the input: finish what was sent, then end.
            chunks.CompleteAdding();
            runner.Join();
            return 0;
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException or IOException or FormatException)
        {
            log.WriteLine($"grid-kernel-host: the silo's frames could not be read: {exception.Message}");
            return MalformedInput;
        }
        finally
        {
            // However the frames end, the kernel thread ends after the chunks it has.
            chunks.CompleteAdding();
        }
    }

    private static void RunChunks(BlockingCollection<(HostChunk Chunk, CancellationTokenSource Cancel)> chunks, Stream output, Dictionary<string, HostedKernel> kernels, HostInit init)
    {
        using var frame = new MemoryStream();
        foreach (var (chunk, cancel) in chunks.GetConsumingEnumerable())
        {
            using (cancel)
            {
                kernels.TryGetValue(chunk.Kernel, out var kernel);
                using var limits = ItemLimits.Create(chunk.ItemTimeout, chunk.TimeLeft, cancel.Token);
                foreach (var (position, json) in chunk.Items)
                {
                    ItemError? error;
                    byte[] value = [];
                    var duration = TimeSpan.Zero;
                    if (kernel is null)
                    {
                        error = new ItemError(ItemStatus.Failed, KernelReasons.WorkerFailed, $"Kernel '{chunk.Kernel}' is not loaded in this worker process.");
                    }
                    else if (limits.StopReason(cancel.Token) is { } stopped)
                    {
                        error = stopped;
                    }
                    else
                    {
                        error = kernel.Run(json.Span, limits, cancel.Token, out value, out duration);
                        if (error?.Type == typeof(OutOfMemoryException).FullName)
                        {
                            error = new ItemError(ItemStatus.Failed, KernelReasons.OutOfMemory,
                                $"Kernel '{chunk.Kernel}' ran out of memory in its worker process, whose heap is capped at its memory limit of {init.MemoryLimitBytes >> 20} MB: {error?.Message} The process was replaced, and the other items go on.");
                        }
                    }

                    WriteItem(output, frame, position, error, value, duration, init);
                }
            }
        }
    }

    private static void WriteItem(Stream output, MemoryStream frame, int position, ItemError? error, byte[] value, TimeSpan duration, HostInit init)
    {
        var resident = init.MemoryLimitBytes > 0 ? Environment.WorkingSet : 0;
        if (error is null && value.Length + 64 > init.MaxFrameBytes)
        {
            error = new ItemError(ItemStatus.Failed, KernelReasons.WorkerFailed,
                $"The item's value is {value.Length} bytes of JSON, more than a worker process sends in one frame ({init.MaxFrameBytes} bytes, Grid:Isolation:MaxFrameBytes).");
        }

        frame.SetLength(0);
        using (var writer = new BinaryWriter(frame, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(position);
            writer.Write((byte)(error?.Status ?? ItemStatus.Ok));
            writer.Write(duration.Ticks);
            writer.Write(resident);
            if (error is null)
            {
                writer.Write(value.Length);
                writer.Write(value);
            }
            else
            {
                writer.Write(error.Type);
                writer.Write(Truncate(error.Message, 8192));
                writer.Write(Truncate(error.Detail ?? string.Empty, 8192));
            }
        }

        KernelFrames.Write(output, KernelFrames.Item, frame.GetBuffer().AsSpan(0, (int)frame.Length), init.MaxFrameBytes);
    }

    private static string Truncate(string text, int max) => text.Length > max ? text[..max] : text;

    private static HostedKernel Load(HostedKernelSpec spec)
    {
        var assembly = LoadAssembly(spec.AssemblyPath);
        var type = assembly.GetType(spec.TypeName, throwOnError: true)!;
        var (input, output) = KernelRegistry.GetKernelTypes(type);
        if (input.FullName != spec.InputType || output.FullName != spec.OutputType)
        {
            throw new InvalidOperationException(
                $"it takes {input.FullName} and returns {output.FullName} here, but {spec.InputType} and {spec.OutputType} in the silo; the silo and its worker processes must load the same build.");
        }

        var instance = Create(type);
        return HostedKernel.Create(spec.Name, instance, input, output);
    }

    private static Assembly LoadAssembly(string path)
    {
        var name = AssemblyName.GetAssemblyName(path);
        foreach (var loaded in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (AssemblyName.ReferenceMatchesDefinition(name, loaded.GetName()))
            {
                return loaded;
            }
        }

        try
        {
            // Grid's own assemblies and those beside this program resolve by name; others load from the silo's path.
            return Assembly.Load(name);
        }
        catch (FileNotFoundException)
        {
            return Assembly.LoadFrom(path);
        }
    }

    // A worker process has no silo services: its kernels are made with their public parameterless constructor, or one taking a TimeProvider.
    private static object Create(Type type)
    {
        if (type.GetConstructor(Type.EmptyTypes) is { } plain)
        {
            return plain.Invoke(null);
        }

        return type.GetConstructor([typeof(TimeProvider)]) is { } timed
            ? timed.Invoke([TimeProvider.System])
            : throw new InvalidOperationException($"{type.FullName} needs a public parameterless constructor (or one taking a TimeProvider) to be made in a worker process.");
    }

    // Applications that run on a wider shared framework (ASP.NET Core) have assemblies this program's own framework lacks: look there too.
    private static void ProbeSharedFrameworks()
    {
        var shared = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", ".."));
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            if (!Directory.Exists(shared))
            {
                return null;
            }

            foreach (var framework in Directory.EnumerateDirectories(shared))
            {
                var file = Directory.EnumerateDirectories(framework)
                    .OrderByDescending(v => Version.TryParse(Path.GetFileName(v).Split('-')[0], out var version) ? version : new Version())
                    .Select(v => Path.Combine(v, name.Name + ".dll"))
                    .FirstOrDefault(File.Exists);
                if (file is not null)
                {
                    return context.LoadFromAssemblyPath(file);
                }
            }

            return null;
        };
    }

    /// <summary>A chunk as a worker process receives it: the kernel, the soft limits and the items as JSON with their positions in the silo's chunk.</summary>
    private sealed record HostChunk(string Kernel, TimeSpan? ItemTimeout, TimeSpan? TimeLeft, IReadOnlyList<(int Position, ReadOnlyMemory<byte> Json)> Items)
    {
        public static HostChunk Read(byte[] payload)
        {
            using var reader = new BinaryReader(new MemoryStream(payload, writable: false));
            var kernel = reader.ReadString();
            var itemTimeout = reader.ReadInt64();
            var hasDeadline = reader.ReadBoolean();
            var left = reader.ReadInt64();
            var count = reader.ReadInt32();
            if (count < 0 || count > payload.Length)
            {
                throw new InvalidDataException($"A chunk frame says it holds {count} items.");
            }

            var items = new (int, ReadOnlyMemory<byte>)[count];
            for (var i = 0; i < count; i++)
            {
                var position = reader.ReadInt32();
                var length = reader.ReadInt32();
                var offset = (int)reader.BaseStream.Position;
                if (length < 0 || length > payload.Length - offset)
                {
                    throw new InvalidDataException($"Item {i} of a chunk frame says it is {length} bytes long.");
                }

                items[i] = (position, payload.AsMemory(offset, length));
                reader.BaseStream.Position = offset + length;
            }

            return new HostChunk(kernel, itemTimeout > 0 ? TimeSpan.FromTicks(itemTimeout) : null, hasDeadline ? TimeSpan.FromTicks(left) : null, items);
        }
    }
}
