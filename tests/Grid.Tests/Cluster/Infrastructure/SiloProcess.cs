using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>One real silo program (<c>grid-silo</c>) running as a child process of the test, its output kept for waits and assertion messages.</summary>
/// <remarks>
/// The silo runs from the folder its project builds to (recorded in <c>grid-silo.path</c> next to the test assembly), with
/// the dashboard off, workstation GC and single-line console logs, so each log message is one line to match. It listens on
/// two loopback ports of its own, its silo port and its gateway port, free when it starts (in a cluster or not, so silos of
/// tests that run at once never meet). Disposing kills it if it still runs; <see cref="ChildProcessLauncher"/> makes sure it
/// dies with the test host in any case.
/// </remarks>
public sealed partial class SiloProcess : IAsyncDisposable
{
    /// <summary>The text of the log line a silo writes once it has joined its cluster.</summary>
    public const string JoinedClusterLine = "joined cluster";

    /// <summary>The text of the log line the .NET host writes once the silo has started (in or out of a cluster).</summary>
    public const string HostStartedLine = "Application started";

    private const int SignalContinue = 18;
    private const int SignalStop = 19;
    private const int NoSuchProcess = 3;

    private static readonly Lazy<string> ProgramPath = new(FindProgram);

    /// <summary>Every port this test run has handed to a silo, so two silos never get one port even when the first has not bound it yet.</summary>
    private static readonly HashSet<int> PortsHandedOut = [];

    private readonly Process process;
    private readonly Lock gate = new();
    private readonly List<string> lines = [];
    private readonly List<LineWaiter> waiters = [];
    private readonly Task<int> exited;
    private int? exitCode;
    private bool paused;

    private SiloProcess(string name, int siloPort, int gatewayPort, Process process)
    {
        Name = name;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        this.process = process;
        Id = process.Id;
        process.OutputDataReceived += (_, e) => OnLine(e.Data, "out");
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, "err");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        exited = WatchExitAsync();
    }

    /// <summary>The silo's name, as given in its options.</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int Id { get; }

    /// <summary>The loopback port the silo talks to other silos on (<c>Grid:Cluster:SiloPort</c>).</summary>
    public int SiloPort { get; }

    /// <summary>The loopback port clients reach the silo on, Orleans' gateway (<c>Grid:Cluster:GatewayPort</c>).</summary>
    public int GatewayPort { get; }

    /// <summary>Whether the silo is stopped by <see cref="Pause"/> and not yet resumed.</summary>
    public bool IsPaused
    {
        get
        {
            lock (gate)
            {
                return paused;
            }
        }
    }

    /// <summary>Whether the process has exited and all of its output has been read.</summary>
    public bool HasExited => ExitCode is not null;

    /// <summary>The exit code, once <see cref="HasExited"/>: 0 after a graceful stop, 137 after <see cref="KillHard"/>.</summary>
    public int? ExitCode
    {
        get
        {
            lock (gate)
            {
                return exitCode;
            }
        }
    }

    /// <summary>How many lines the silo has printed so far: pass it to <see cref="WaitForLineAsync"/> to wait only for later lines.</summary>
    public int LineCount
    {
        get
        {
            lock (gate)
            {
                return lines.Count;
            }
        }
    }

    /// <summary>Every line the silo printed so far (standard error lines start with <c>[err]</c>).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    /// <summary>The silo's output so far as one text under a heading naming it, for assertion messages.</summary>
    public string Log
    {
        get
        {
            int? code;
            string[] snapshot;
            lock (gate)
            {
                code = exitCode;
                snapshot = [.. lines];
            }

            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"--- silo {Name} (pid {Id}{(code is null ? "" : $", exited with {code}")}) ---\n");
            foreach (var line in snapshot)
            {
                text.Append(line).Append('\n');
            }

            return text.ToString();
        }
    }

    /// <summary>The full path of the silo program the tests run.</summary>
    public static string ProgramFile => ProgramPath.Value;

    /// <summary>Starts a silo program with <paramref name="options"/>; it runs until the test terminates, kills or disposes it.</summary>
    /// <remarks>A port the options leave null is picked free on 127.0.0.1 (see <see cref="FreeLoopbackPorts"/>).</remarks>
    public static async Task<SiloProcess> StartAsync(SiloProcessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var program = ProgramFile;
        var free = FreeLoopbackPorts((options.SiloPort is null ? 1 : 0) + (options.GatewayPort is null ? 1 : 0));
        var siloPort = options.SiloPort ?? free[0];
        var gatewayPort = options.GatewayPort ?? free[^1];
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // The host's content root is the working folder: appsettings.json is read from there.
            WorkingDirectory = options.WorkingDirectory ?? Path.GetDirectoryName(program)!,
        };
        start.ArgumentList.Add(program);
        foreach (var argument in options.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing of the test run's own configuration leaks in: no Grid settings, no OTLP exporter, no ASP.NET Core URLs.
        foreach (var name in start.Environment.Keys.Where(IsInheritedSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        var environment = start.Environment;
        environment["DOTNET_gcServer"] = "0";
        environment["DOTNET_ENVIRONMENT"] = "Production";
        environment["Logging__Console__FormatterName"] = "simple";
        environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        environment["Grid__Silo__Name"] = options.Name;
        environment["Grid__Silo__MaxLocalWorkers"] = options.MaxLocalWorkers.ToString(CultureInfo.InvariantCulture);
        environment["Grid__Dashboard__Enabled"] = "false";
        environment["Grid__Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        environment["Grid__Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
        if (options.ClusterConnection is not null)
        {
            environment["Grid__Cluster__Connection"] = options.ClusterConnection;
        }

        if (options.ClusterName is not null)
        {
            environment["Grid__Cluster__Name"] = options.ClusterName;
        }

        if (options.ClusterTlsCaFile is not null)
        {
            environment["Grid__Cluster__TlsCaFile"] = options.ClusterTlsCaFile;
        }

        foreach (var (name, value) in options.Settings)
        {
            if (value.Length == 0)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        var process = await ChildProcessLauncher.StartAsync(start);
        process.StandardInput.Close();
        return new SiloProcess(options.Name, siloPort, gatewayPort, process);
    }

    /// <summary><paramref name="count"/> distinct TCP ports free on 127.0.0.1 now, none handed out before in this test run.</summary>
    /// <remarks>
    /// Each comes from binding a listener to port 0 and reading the port the system chose; the listeners are stopped only once all
    /// are chosen, so the ports differ, and a port handed out once is never handed out again, so two silos starting at once never
    /// share one. A program outside the test run may still take one before the silo binds it: the silo then fails to start, loudly.
    /// </remarks>
    public static int[] FreeLoopbackPorts(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var listeners = new List<TcpListener>();
        try
        {
            var ports = new List<int>();
            while (ports.Count < count)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                lock (PortsHandedOut)
                {
                    if (PortsHandedOut.Add(port))
                    {
                        ports.Add(port);
                    }
                }
            }

            return [.. ports];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
                listener.Dispose();
            }
        }
    }

    /// <summary>The line the silo prints once its dashboard listens; <see cref="DashboardAddress"/> reads the address from it.</summary>
    public const string DashboardListeningLine = "Dashboard listening on ";

    /// <summary>Reads the loopback address of the dashboard from the silo's <see cref="DashboardListeningLine"/>
    /// ("Dashboard listening on http://0.0.0.0:41234/ (access token required: ...)": the port it bound, reached on loopback).</summary>
    public static Uri DashboardAddress(string listening)
    {
        var port = ListeningPort().Match(listening);
        Assert.True(port.Success, listening);
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{int.Parse(port.Groups[1].Value, CultureInfo.InvariantCulture)}/"));
    }

    /// <summary>Waits until the silo prints a line containing <paramref name="text"/> (ordinal), at or after line <paramref name="fromLine"/>, and returns it.</summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>; the message holds the silo's log.</exception>
    /// <exception cref="InvalidOperationException">The silo exited without printing such a line; the message holds its log.</exception>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout, int fromLine = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        LineWaiter? waiter = null;
        lock (gate)
        {
            for (var i = Math.Max(fromLine, 0); i < lines.Count; i++)
            {
                if (lines[i].Contains(text, StringComparison.Ordinal))
                {
                    return lines[i];
                }
            }

            if (exitCode is null)
            {
                waiter = new LineWaiter(text);
                waiters.Add(waiter);
            }
        }

        if (waiter is null)
        {
            throw ExitedBefore(text);
        }

        try
        {
            return await waiter.Found.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"silo {Name} printed no line containing '{text}' within {timeout.TotalSeconds:0.#} s.\n{Log}", exception);
        }
        finally
        {
            lock (gate)
            {
                waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Waits until the silo has exited and returns its exit code.</summary>
    /// <exception cref="TimeoutException">It still runs after <paramref name="timeout"/> (it is left running).</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            return await exited.WaitAsync(timeout);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"silo {Name} still runs after {timeout.TotalSeconds:0.#} s.\n{Log}", exception);
        }
    }

    /// <summary>Kills the silo at once with SIGKILL, as <c>kill -9</c> does: no graceful leave, so its cluster learns of it only when
    /// membership declares it dead (a paused silo dies too).</summary>
    public void KillHard()
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }

    /// <summary>Stops the silo with SIGSTOP, as <c>kill -STOP</c> does: it keeps its sockets and its place in the cluster's membership
    /// but answers nothing, like a silo that hangs or a machine that stalls, until <see cref="Resume"/>.</summary>
    /// <exception cref="InvalidOperationException">The silo has exited.</exception>
    public void Pause() => Signal(SignalStop, "SIGSTOP", pausedAfter: true);

    /// <summary>Lets a silo stopped by <see cref="Pause"/> run on with SIGCONT, as <c>kill -CONT</c> does; nothing happens to one that runs.</summary>
    /// <exception cref="InvalidOperationException">The silo has exited.</exception>
    public void Resume() => Signal(SignalContinue, "SIGCONT", pausedAfter: false);

    /// <summary>Sends SIGTERM, as a service manager or <c>docker stop</c> does, and waits until the silo exits (a paused silo is resumed to act on it).</summary>
    /// <returns>The exit code: 0 when the silo left gracefully.</returns>
    /// <exception cref="TimeoutException">It still ran after <paramref name="timeout"/> (default <see cref="TestLimits.Hang"/>); it is then killed.</exception>
    public async Task<int> TerminateAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TestLimits.Hang;
        if (!exited.IsCompleted)
        {
            var kill = await ToolRunner.RunAsync("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]);
            if (kill.ExitCode != 0 && !exited.IsCompleted)
            {
                throw new InvalidOperationException($"kill -TERM {Id} failed: {kill.AllOutput}\n{Log}");
            }

            if (IsPaused && !exited.IsCompleted)
            {
                // A stopped process acts on SIGTERM only once it runs again.
                Resume();
            }
        }

        try
        {
            return await exited.WaitAsync(limit);
        }
        catch (TimeoutException exception)
        {
            KillHard();
            throw new TimeoutException($"silo {Name} did not exit within {limit.TotalSeconds:0.#} s of SIGTERM; killed.\n{Log}", exception);
        }
    }

    /// <summary>Kills the silo if it still runs and waits until it is gone.</summary>
    public async ValueTask DisposeAsync()
    {
        KillHard();
        try
        {
            await exited.WaitAsync(TestLimits.Hang);
        }
        finally
        {
            process.Dispose();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static bool IsInheritedSetting(string name) =>
        name.StartsWith("Grid__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.Equals("DOTNET_URLS", StringComparison.OrdinalIgnoreCase);

    private static string DotnetHost()
    {
        // The test host itself runs under the SDK's dotnet; use the same one rather than whatever PATH finds first.
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }

    private static string FindProgram()
    {
        var record = Path.Combine(AppContext.BaseDirectory, "grid-silo.path");
        if (!File.Exists(record))
        {
            throw new InvalidOperationException($"{record} is missing: build the tests with their project (dotnet build tests/Grid.Tests), which builds silo/Grid.Silo and records where it is.");
        }

        var program = File.ReadAllText(record).Trim();
        return File.Exists(program)
            ? program
            : throw new InvalidOperationException($"the silo program {program} named in {record} is missing: rebuild the tests (dotnet build tests/Grid.Tests).");
    }

    private async Task<int> WatchExitAsync()
    {
        // Completes once the process has exited and both output streams have been read to their end.
        await process.WaitForExitAsync();
        var code = process.ExitCode;
        ChildProcessLauncher.Forget(process);
        List<LineWaiter> waiting;
        lock (gate)
        {
            // Set under the lock, so a waiter is either seen here or sees the exit itself.
            exitCode = code;
            waiting = [.. waiters];
        }

        foreach (var waiter in waiting)
        {
            waiter.Found.TrySetException(ExitedBefore(waiter.Text));
        }

        return code;
    }

    /// <summary>Sends <paramref name="signal"/> to the silo and records whether it is paused after it.</summary>
    private void Signal(int signal, string name, bool pausedAfter)
    {
        int error;
        lock (gate)
        {
            // Under the lock that WatchExitAsync sets the exit code under: once the exit is seen, the pid may be another
            // process's, so it is never signalled then.
            if (exitCode is not null)
            {
                error = NoSuchProcess;
            }
            else if (SendSignal(Id, signal) != 0)
            {
                error = Marshal.GetLastPInvokeError();
            }
            else
            {
                paused = pausedAfter;
                return;
            }
        }

        throw new InvalidOperationException(error == NoSuchProcess
            ? $"silo {Name} has exited: it cannot take {name}.\n{Log}"
            : string.Create(CultureInfo.InvariantCulture, $"kill({Id}, {name}) failed with errno {error}."));
    }

    private InvalidOperationException ExitedBefore(string text) =>
        new($"silo {Name} exited with code {ExitCode} without printing a line containing '{text}'.\n{Log}");

    private void OnLine(string? line, string stream)
    {
        if (line is null)
        {
            return;
        }

        var entry = stream == "err" ? "[err] " + line : line;
        lock (gate)
        {
            lines.Add(entry);
            foreach (var waiter in waiters)
            {
                if (entry.Contains(waiter.Text, StringComparison.Ordinal))
                {
                    waiter.Found.TrySetResult(entry);
                }
            }
        }
    }

    /// <summary>A pending <see cref="WaitForLineAsync"/>: the text it looks for and the line once seen.</summary>
    private sealed class LineWaiter(string text)
    {
        public string Text { get; } = text;

        public TaskCompletionSource<string> Found { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [GeneratedRegex(@"listening on http://[^ ,]+?:(\d+)/")]
    private static partial Regex ListeningPort();
}
