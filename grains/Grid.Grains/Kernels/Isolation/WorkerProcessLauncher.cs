using System.Collections.Concurrent;
using System.Diagnostics;

namespace Grid.Kernels.Isolation;

/// <summary>Starts child processes (the silo's worker processes, and the test run's silo processes) so that none outlives its parent process, however it ends.</summary>
/// <remarks>
/// Each child is started through util-linux's <c>setpriv --pdeathsig KILL</c> when it is installed, so the kernel kills it when its
/// parent goes (a crash, SIGKILL). Linux ties that signal to the parent <em>thread</em> that forked the child, so every child is
/// forked by one dedicated thread that lives as long as the process. Children still running when the process exits normally are
/// killed from <see cref="AppDomain.ProcessExit"/>, and the silo kills its own when it stops.
/// </remarks>
internal static class WorkerProcessLauncher
{
    private static readonly string? Setpriv = OperatingSystem.IsLinux() ? new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists) : null;
    private static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> Requests = [];
    private static readonly ConcurrentDictionary<Process, byte> Running = new();
    private static readonly Lazy<Thread> Forker = new(() =>
    {
        var thread = new Thread(ForkChildren) { IsBackground = true, Name = "Grid worker process launcher" };
        thread.Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        return thread;
    });

    /// <summary>Gets whether children die with this process even when it is killed.</summary>
    public static bool DiesWithParent => Setpriv is not null;

    /// <summary>Starts <paramref name="start"/> (FileName and ArgumentList say what to run) as a guarded child process, waiting up to <paramref name="timeout"/>.</summary>
    public static Process Start(ProcessStartInfo start, TimeSpan timeout)
    {
        var started = StartAsync(start);
        return started.Wait(timeout)
            ? started.Result
            : throw new WorkerStartException($"The worker process was not started within {timeout.TotalSeconds:0.#} s.");
    }

    /// <summary>Starts <paramref name="start"/> (FileName and ArgumentList say what to run) as a guarded child process; the task ends once it has started.</summary>
    public static Task<Process> StartAsync(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (Setpriv is not null)
        {
            // setpriv sets the parent-death signal, then execs the program in the same process (same pid).
            start.ArgumentList.Insert(0, start.FileName);
            start.ArgumentList.Insert(0, "--");
            start.ArgumentList.Insert(0, "KILL");
            start.ArgumentList.Insert(0, "--pdeathsig");
            start.FileName = Setpriv;
        }

        _ = Forker.Value;
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((start, started));
        return started.Task;
    }

    /// <summary>Stops tracking a child that has exited or been killed.</summary>
    public static void Forget(Process process) => Running.TryRemove(process, out _);

    private static void ForkChildren()
    {
        foreach (var (start, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                var process = new Process { StartInfo = start, EnableRaisingEvents = true };
                process.Start();
                Running[process] = 0;
                started.SetResult(process);
            }
            catch (Exception exception)
            {
                started.SetException(exception);
            }
        }
    }

    private static void KillAll()
    {
        foreach (var process in Running.Keys)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // It exited meanwhile.
            }
        }
    }
}
