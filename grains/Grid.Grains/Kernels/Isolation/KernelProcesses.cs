using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Kernels.Isolation;

/// <summary>The silo's worker processes for kernels marked <see cref="KernelIsolation.Process"/>: how to start one, the kernels it loads, and every live one, killed when the silo stops.</summary>
internal sealed class KernelProcesses : IDisposable
{
    private readonly IsolationOptions _options;
    private readonly ILogger<KernelProcesses> _logger;
    private readonly ConcurrentDictionary<WorkerProcess, byte> _live = new();
    private readonly HostInit _init;
    private int _started;

    public KernelProcesses(IEnumerable<KernelRegistration> registrations, IOptions<IsolationOptions> options, ILogger<KernelProcesses> logger)
    {
        _options = options.Value;
        _logger = logger;
        // As in the registry, the last registration of a name is the one that counts.
        var isolated = registrations.GroupBy(r => r.Name, StringComparer.Ordinal)
            .Select(g => g.Last())
            .Where(r => r.Options.Isolation == KernelIsolation.Process)
            .ToArray();
        var kernels = isolated.Select(r =>
        {
            var (input, output) = KernelRegistry.GetKernelTypes(r.KernelType);
            return new HostedKernelSpec(r.Name, r.KernelType.Assembly.Location, r.KernelType.FullName!, input.FullName!, output.FullName!);
        }).ToArray();

        // The managed heap of a process is capped at the largest memory limit of its kernels, so a kernel that allocates past it
        // fails at once with an OutOfMemoryException instead of growing until the resident-set check kills the process.
        var limits = isolated.Select(r => MemoryLimitBytes(r.Options)).ToArray();
        var heapLimit = limits.Length > 0 && limits.All(l => l > 0) ? limits.Max() : 0;
        _init = new HostInit(KernelFrames.Version, _options.MaxFrameBytes, heapLimit, kernels);
    }

    /// <summary>Gets the silo-wide isolation settings.</summary>
    public IsolationOptions Options => _options;

    /// <summary>Gets how many worker processes have been started since the silo started.</summary>
    public int Started => Volatile.Read(ref _started);

    /// <summary>Gets the ids of the worker processes alive now.</summary>
    public IReadOnlyList<int> LiveProcessIds => [.. _live.Keys.Select(p => p.Id)];

    /// <summary>Returns the memory limit of a kernel in bytes (its own, else the silo's), or 0 for none.</summary>
    public long MemoryLimitBytes(KernelOptions kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var megabytes = kernel.MemoryLimitMegabytes ?? _options.MemoryLimitMegabytes;
        return megabytes > 0 ? (long)megabytes << 20 : 0;
    }

    /// <summary>Starts a worker process for worker <paramref name="worker"/> and waits until it has loaded every isolated kernel.</summary>
    public WorkerProcess Start(string worker)
    {
        var start = StartInfo();
        var process = WorkerProcess.Start(start, _init, _options.StartTimeout, worker, _logger);
        _live[process] = 0;
        Interlocked.Increment(ref _started);
        return process;
    }

    /// <summary>Kills <paramref name="process"/> and forgets it.</summary>
    /// <remarks>A worker and the silo's shutdown may discard one process at once; killing and disposing it happen once whoever calls.</remarks>
    public void Discard(WorkerProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        _live.TryRemove(process, out _);
        process.Kill();

        // Closing its pipes waits on the threads still reading them: off the worker's thread, which has its next item to take.
        ThreadPool.UnsafeQueueUserWorkItem(static p => p.Dispose(), process, preferLocal: false);
    }

    /// <summary>Kills every worker process still alive.</summary>
    public void Dispose()
    {
        foreach (var process in _live.Keys)
        {
            Discard(process);
        }
    }

    private ProcessStartInfo StartInfo()
    {
        var host = HostPath();
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Environment.CurrentDirectory,
        };
        if (host.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = DotnetPath();
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(host);
        }
        else
        {
            start.FileName = host;
        }

        // Workstation GC: a worker runs one kernel at a time, and a server heap per core would only inflate its resident set.
        start.Environment["DOTNET_gcServer"] = "0";
        if (_init.MemoryLimitBytes > 0)
        {
            start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + _init.MemoryLimitBytes.ToString("X", CultureInfo.InvariantCulture);
        }

        return start;
    }

    private string HostPath()
    {
        if (_options.HostPath is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? Path.GetFullPath(configured)
                : throw new WorkerStartException($"Grid:Isolation:HostPath is '{configured}', but no file exists there.");
        }

        string[] folders = [AppContext.BaseDirectory, Path.GetDirectoryName(typeof(KernelProcesses).Assembly.Location) ?? AppContext.BaseDirectory];
        foreach (var folder in folders.Distinct(StringComparer.Ordinal))
        {
            var candidate = Path.Combine(folder, IsolationOptions.HostFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new WorkerStartException(
            $"The worker program {IsolationOptions.HostFileName} was not found in {string.Join(" or ", folders.Distinct(StringComparer.Ordinal))}; "
            + "reference the Grid.KernelHost project from the application, or set Grid:Isolation:HostPath.");
    }

    private static string DotnetPath()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == name)
        {
            return self;
        }

        // The runtime lives in DOTNET_ROOT/shared/Microsoft.NETCore.App/VERSION/.
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var beside = Path.Combine(root, name);
        return File.Exists(beside) ? beside : name;
    }
}
