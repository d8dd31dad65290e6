using System.Collections.Concurrent;
using System.Diagnostics;

namespace Grid.Tests.Cluster;

/// <summary>Starts the test run's child processes so that none of them outlives it, even when the test host is killed.</summary>
/// <remarks>
/// Two guards. Each child is started through util-linux's <c>setpriv --pdeathsig KILL</c>, so the kernel kills it when
/// its parent goes, whatever the reason (a crash, <c>--blame-hang</c> killing the host, SIGKILL). Linux ties that signal
/// to the parent <em>thread</em> that forked the child, so every child is forked by one dedicated thread that lives as
/// long as the test host; forked from a thread-pool thread, a child would die when that thread retires. And every child
/// still running when the test host exits normally is killed from <see cref="AppDomain.ProcessExit"/>.
/// </remarks>
internal static class ChildProcessLauncher
{
    private static readonly string? Setpriv = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists);
    private static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> Requests = [];
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static ChildProcessLauncher()
    {
        new Thread(ForkChildren) { IsBackground = true, Name = "Grid.Tests child process launcher" }.Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    /// <summary>Whether children die with the test host even when it is killed (setpriv is installed).</summary>
    public static bool DiesWithTestHost => Setpriv is not null;

    /// <summary>Starts <paramref name="start"/> (whose FileName and ArgumentList say what to run) as a guarded child process.</summary>
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

        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((start, started));
        return started.Task;
    }

    /// <summary>Stops tracking a child that has exited.</summary>
    public static void Forget(Process process) => Running.TryRemove(process.Id, out _);

    private static void ForkChildren()
    {
        foreach (var (start, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                var process = new Process { StartInfo = start, EnableRaisingEvents = true };
                process.Start();
                Running[process.Id] = process;
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
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }
        }
    }
}
