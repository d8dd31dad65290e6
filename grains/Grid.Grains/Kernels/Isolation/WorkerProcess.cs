using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Grid.Kernels.Isolation;

/// <summary>One worker process on the silo's side: its pipes, a thread that reads its frames, a thread that keeps the tail of its stderr, and how it ended.</summary>
internal sealed partial class WorkerProcess : IDisposable
{
    private const int StderrTailLines = 8;

    // What DescribeExit says of a process the silo's shutdown discarded while its worker still held it.
    private const string Discarded = "the process was discarded as the silo stopped";
    private readonly Process _process;
    private readonly Stream _input;
    private readonly BlockingCollection<WorkerFrame> _frames = new(new ConcurrentQueue<WorkerFrame>());
    private readonly Queue<string> _stderrTail = new();
    private string? _headline;
    private int _headlineLines;
    private readonly Thread _stderrThread;
    private readonly int _maxFrameBytes;
    private readonly string _worker;
    private readonly ILogger _logger;
    private int _killed;
    private int _disposed;

    private WorkerProcess(Process process, int maxFrameBytes, string worker, ILogger logger)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _maxFrameBytes = maxFrameBytes;
        _worker = worker;
        _logger = logger;
        Id = process.Id;
        new Thread(ReadFrames) { IsBackground = true, Name = $"{worker} process {Id} output" }.Start();
        _stderrThread = new Thread(ReadStderr) { IsBackground = true, Name = $"{worker} process {Id} stderr" };
        _stderrThread.Start();
    }

    /// <summary>Gets the process id.</summary>
    public int Id { get; }

    /// <summary>Starts a worker process with <paramref name="start"/>, sends it <paramref name="init"/> and waits until it says it is ready.</summary>
    public static WorkerProcess Start(ProcessStartInfo start, HostInit init, TimeSpan timeout, string worker, ILogger logger)
    {
        Process process;
        try
        {
            process = WorkerProcessLauncher.Start(start, timeout);
        }
        catch (AggregateException exception) when (exception.InnerException is { } inner)
        {
            throw new WorkerStartException($"The worker process ({start.FileName} {string.Join(' ', start.ArgumentList)}) could not be started: {inner.Message}", inner);
        }

        var worker1 = new WorkerProcess(process, init.MaxFrameBytes, worker, logger);
        try
        {
            worker1.Send(KernelFrames.Init, JsonSerializer.SerializeToUtf8Bytes(init));
            if (!worker1.TryReceive(timeout, out var frame))
            {
                throw new WorkerStartException($"The worker process {worker1.Id} did not get ready within {timeout.TotalSeconds:0.#} s (Grid:Isolation:StartTimeout).");
            }

            if (frame.IsEnd || frame.Kind != KernelFrames.Ready)
            {
                throw new WorkerStartException($"The worker process {worker1.Id} did not get ready: {(frame.IsEnd ? frame.Problem + "; " + worker1.DescribeExit() : $"it answered with a frame of kind {frame.Kind}")}.");
            }

            var ready = JsonSerializer.Deserialize<HostReady>(frame.Payload);
            if (ready?.Error is { } error)
            {
                throw new WorkerStartException($"The worker process could not load its kernels: {error}");
            }

            LogStarted(logger, worker, worker1.Id);
            return worker1;
        }
        catch (Exception exception) when (exception is IOException or JsonException)
        {
            worker1.Kill();
            var exit = worker1.DescribeExit();
            worker1.Dispose();
            throw new WorkerStartException($"The worker process did not get ready: {exception.Message}; {exit}", exception);
        }
        catch
        {
            worker1.Kill();
            worker1.Dispose();
            throw;
        }
    }

    /// <summary>Sends one frame; throws an <see cref="IOException"/> when the process is gone, or was discarded by the silo's shutdown.</summary>
    public void Send(byte kind, ReadOnlySpan<byte> payload)
    {
        try
        {
            KernelFrames.Write(_input, kind, payload, _maxFrameBytes);
        }
        catch (ObjectDisposedException exception)
        {
            throw new IOException("The worker process was discarded.", exception);
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the next frame (or the end of the output, or a wake-up).</summary>
    public bool TryReceive(TimeSpan timeout, out WorkerFrame frame) => _frames.TryTake(out frame, timeout);

    /// <summary>Wakes the worker waiting in <see cref="TryReceive"/>.</summary>
    public void Wake() => _frames.Add(WorkerFrame.Wake);

    /// <summary>Returns the process's resident set in bytes, or <see langword="null"/> when it cannot be read.</summary>
    public long? ResidentBytes() => ProcessMemory.ResidentBytes(Id);

    /// <summary>Kills the process (SIGKILL) without waiting: the worker goes on at once, and <see cref="DescribeExit"/> waits when it needs the exit code.</summary>
    /// <remarks>Only the process itself: walking the whole process tree reads every process of the machine, which would delay the worker's next item; whatever a kernel started gets the parent-death signal only if it asked for one.</remarks>
    public void Kill()
    {
        if (Interlocked.Exchange(ref _killed, 1) != 0)
        {
            return;
        }

        try
        {
            _process.Kill();
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // It has exited already.
        }
    }

    /// <summary>Says how the process ended, once it has: its exit code or signal and the last lines it wrote to stderr.</summary>
    public string DescribeExit()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return Discarded;
        }

        try
        {
            return _process.WaitForExit(TimeSpan.FromSeconds(10)) ? DescribeEnded() : "the process is still running";
        }
        catch (InvalidOperationException)
        {
            // Disposed by another thread while this one asked.
            return Discarded;
        }
    }

    /// <summary>Closes the process's input (a live process ends on its own then) and lets go of it; only the first call does.</summary>
    /// <remarks>Disposing a <see cref="Process"/> is not safe to call from two threads at once.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _input.Dispose();
        }
        catch (IOException)
        {
            // The pipe is already broken.
        }

        WorkerProcessLauncher.Forget(_process);
        _process.Dispose();
    }

    // How a process that has exited ended: its exit code or signal, and what it last wrote to stderr.
    private string DescribeEnded()
    {
        // The stderr thread ends at the end of stderr, which follows the exit; its last lines often name the crash.
        _stderrThread.Join(TimeSpan.FromSeconds(2));
        var code = _process.ExitCode;
        var how = code is > 128 and < 128 + 65 && OperatingSystem.IsLinux()
            ? $"exit code {code.ToString(CultureInfo.InvariantCulture)}, signal {(code - 128).ToString(CultureInfo.InvariantCulture)} ({SignalName(code - 128)})"
            : $"exit code {code.ToString(CultureInfo.InvariantCulture)}";
        string tail;
        string? headline;
        lock (_stderrTail)
        {
            tail = string.Join(" | ", _stderrTail);
            headline = _headline;
        }

        // The runtime's own crash report ("Stack overflow.", "Process terminated. ...") comes first, its stack trace after.
        return headline is not null ? $"{how}; the runtime reported: {headline}"
            : tail.Length == 0 ? how
            : $"{how}; its last output: {tail}";
    }

    private static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => "signal " + signal.ToString(CultureInfo.InvariantCulture),
    };

    private static bool IsCrashReport(string line)
        => line.StartsWith("Stack overflow", StringComparison.Ordinal)
            || line.StartsWith("Process terminated", StringComparison.Ordinal)
            || line.StartsWith("Unhandled exception", StringComparison.Ordinal)
            || line.StartsWith("Fatal error", StringComparison.Ordinal)
            || line.StartsWith("Out of memory", StringComparison.Ordinal);

    private void ReadFrames()
    {
        var output = new BufferedStream(_process.StandardOutput.BaseStream, 1 << 16);
        try
        {
            while (KernelFrames.TryRead(output, _maxFrameBytes, out var kind, out var payload))
            {
                _frames.Add(new WorkerFrame(kind, payload, null, false));
            }

            _frames.Add(new WorkerFrame(0, [], "the worker process ended its output", false));
        }
        catch (InvalidDataException exception)
        {
            _frames.Add(new WorkerFrame(0, [], exception.Message, true));
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            _frames.Add(new WorkerFrame(0, [], $"reading the worker process's output failed: {exception.Message}", false));
        }
    }

    private void ReadStderr()
    {
        try
        {
            while (_process.StandardError.ReadLine() is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                lock (_stderrTail)
                {
                    if (_stderrTail.Count == StderrTailLines)
                    {
                        _stderrTail.Dequeue();
                    }

                    _stderrTail.Enqueue(line.Length > 500 ? line[..500] : line);
                    if (_headline is null && IsCrashReport(line))
                    {
                        _headline = line.Length > 500 ? line[..500] : line;
                        _headlineLines = 1;
                    }
                    else if (_headlineLines is > 0 and < 2)
                    {
                        // The report's second line says why ("Process terminated." then the FailFast message).
                        _headline += " " + (line.Length > 500 ? line[..500] : line.Trim());
                        _headlineLines++;
                    }
                }

                LogOutput(_logger, _worker, Id, line);
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} started worker process {ProcessId}")]
    private static partial void LogStarted(ILogger logger, string worker, int processId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Worker {Worker}, process {ProcessId}: {Line}")]
    private static partial void LogOutput(ILogger logger, string worker, int processId, string line);
}
