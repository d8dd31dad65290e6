using Grid.Kernels.Isolation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grid.Kernels;

/// <summary>What one worker keeps between chunks: its name, its kernel thread for hard time limits, and its worker process for isolated kernels, each made on first use.</summary>
internal sealed partial class KernelWorker(string name, TimeProvider time, KernelProcesses? processes = null, ILogger? logger = null) : IDisposable
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private KernelThread? _thread;
    private WorkerProcess? _process;

    /// <summary>Gets the worker's name, reported with each result.</summary>
    public string Name { get; } = name;

    /// <summary>Gets the silo's clock.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>Gets the silo's worker processes.</summary>
    public KernelProcesses Processes => processes ?? throw new InvalidOperationException($"Worker {Name} has no worker processes: the silo did not register any.");

    /// <summary>Gets the id of this worker's process, or <see langword="null"/> when it has none now.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>Runs <paramref name="call"/> on the worker's kernel thread and waits up to <paramref name="limit"/>; on <see langword="false"/> the call was abandoned and the next one gets a new thread.</summary>
    public bool TryRunGuarded(IKernelCall call, TimeSpan limit)
    {
        _thread ??= new KernelThread($"{Name} kernel");
        if (_thread.TryRun(call, limit))
        {
            return true;
        }

        _thread.Dispose();
        _thread = null;
        return false;
    }

    /// <summary>Logs that a kernel call was abandoned at its hard limit and keeps running in the silo's process.</summary>
    public void ReportAbandoned(string kernel, TimeSpan limit) => LogAbandoned(_logger, Name, kernel, limit.TotalMilliseconds);

    /// <summary>Returns the worker's process, starting one when it has none; throws a <see cref="WorkerStartException"/> when that fails.</summary>
    public WorkerProcess GetProcess() => _process ??= Processes.Start(Name);

    /// <summary>Kills the worker's process, if any, so that the next item starts a new one.</summary>
    public void DiscardProcess()
    {
        if (_process is { } process)
        {
            _process = null;
            Processes.Discard(process);
        }
    }

    /// <summary>Ends the kernel thread and kills the worker's process.</summary>
    public void Dispose()
    {
        _thread?.Dispose();
        _thread = null;
        DiscardProcess();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} abandoned kernel '{Kernel}' at its hard time limit of {LimitMs} ms: it ignored its cancellation token and keeps running on a thread of the silo's process until it returns; run it with Isolation = Process to have it killed instead")]
    private static partial void LogAbandoned(ILogger logger, string worker, string kernel, double limitMs);
}
