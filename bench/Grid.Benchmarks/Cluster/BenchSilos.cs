using System.Diagnostics;

namespace Grid.Benchmarks.Cluster;

/// <summary>Real silo processes of one benchmark cluster, meeting on a Redis on this machine, each on two free loopback ports; disposing kills what is left.</summary>
internal sealed class BenchSilos : IAsyncDisposable
{
    private readonly List<(string Name, Process Process)> _silos = [];
    private readonly string _connection;
    private readonly int _workers;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly bool _dashboards;
    private readonly System.Collections.Concurrent.ConcurrentBag<int> _killed = [];
    private volatile bool _stopping;

    /// <summary>Makes a cluster of silos with <paramref name="workers"/> each; <paramref name="settings"/> are further settings, as environment variables (<c>Grid__Jobs__Store</c>);
    /// with <paramref name="dashboards"/>, each silo serves its dashboard on a free loopback port (<see cref="DashboardPorts"/>).</summary>
    public BenchSilos(string connection, int workers, IReadOnlyDictionary<string, string>? settings = null, bool dashboards = false)
    {
        _connection = connection;
        _workers = workers;
        _settings = settings ?? new Dictionary<string, string>();
        _dashboards = dashboards;
        ClusterName = $"bench-{Guid.NewGuid():N}"[..14];
    }

    public string ClusterName { get; }

    public IReadOnlyList<(string Name, Process Process)> Silos => _silos;

    /// <summary>Gets the silo port of each silo, by name: where Orleans says a grain lives.</summary>
    public Dictionary<int, string> NamesByPort { get; } = [];

    /// <summary>Gets the loopback port of each silo's dashboard, by name, when the silos serve one.</summary>
    public Dictionary<string, int> DashboardPorts { get; } = [];

    /// <summary>Starts a silo and waits until it says it joined.</summary>
    public async Task<(string Name, Process Process)> StartAsync(CancellationToken cancellationToken)
    {
        var name = $"silo-{_silos.Count + 1}";
        var program = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "grid-silo.path")).Trim();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(program)!,
        };
        start.ArgumentList.Add(program);
        start.Environment["Grid__Cluster__Connection"] = _connection;
        start.Environment["Grid__Cluster__Name"] = ClusterName;
        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        NamesByPort[siloPort] = name;
        start.Environment["Grid__Cluster__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Grid__Cluster__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Grid__Silo__Name"] = name;
        start.Environment["Grid__Silo__MaxLocalWorkers"] = _workers.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Grid__Dashboard__Enabled"] = _dashboards ? "true" : "false";
        if (_dashboards)
        {
            DashboardPorts[name] = FreePort();
            start.Environment["Grid__Dashboard__Urls"] = $"http://127.0.0.1:{DashboardPorts[name].ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }

        start.Environment["Grid__Kernels__Assemblies__0"] = typeof(ClusterNoOpKernel).Assembly.Location;
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in _settings)
        {
            start.Environment[key] = value;
        }

        // The silo dies with this program, even when this program is killed. Linux sends the parent-death signal when the thread
        // that forked the child ends, so the silo is forked by the launcher's own thread, never by a thread-pool thread (one retired
        // while idle took its silos with it, mid-run).
        var process = await Grid.Kernels.Isolation.WorkerProcessLauncher.StartAsync(start).ConfigureAwait(false);
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("joined cluster", StringComparison.Ordinal) == true)
            {
                joined.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            // A silo's standard error is where the runtime writes an unhandled exception: always worth seeing.
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                Console.WriteLine($"[{name} {DateTime.Now:HH:mm:ss.fff} stderr] {e.Data}");
            }
        };
        process.Exited += (_, _) =>
        {
            if (!_stopping && !_killed.Contains(process.Id))
            {
                Console.WriteLine($"[{name} {DateTime.Now:HH:mm:ss.fff}] exited unasked, exit code {process.ExitCode}");
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (Environment.GetEnvironmentVariable("GRID_BENCH_SILO_LOG") is { Length: > 0 } filter && e.Data?.Contains(filter, StringComparison.Ordinal) == true)
            {
                Console.WriteLine($"[{name} {DateTime.Now:HH:mm:ss.fff}] {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _silos.Add((name, process));
        await joined.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        return (name, process);
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Kills a silo with SIGKILL, as a crash would; its exit is then not reported as unasked.</summary>
    public void Kill(string name)
    {
        var process = _silos.Single(s => s.Name == name).Process;
        _killed.Add(process.Id);
        process.Kill();
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        foreach (var (_, process) in _silos)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync().ConfigureAwait(false);
            }

            Grid.Kernels.Isolation.WorkerProcessLauncher.Forget(process);
            process.Dispose();
        }
    }
}
