using System.Diagnostics;
using Grid.Kernels.Isolation;

namespace Grid.Tests.Cluster;

/// <summary>Starts the test run's child processes so that none of them outlives it, even when the test host is killed.</summary>
/// <remarks>
/// The silo's own launcher of worker processes does the work (<see cref="WorkerProcessLauncher"/>): each child is started through
/// util-linux's <c>setpriv --pdeathsig KILL</c> by one dedicated thread that lives as long as the test host, and every child
/// still running when the test host exits normally is killed from <see cref="AppDomain.ProcessExit"/>. That a child dies with a parent
/// killed by SIGKILL is shown on a silo and its worker processes, which the same launcher starts (ClusterIsolationTests).
/// </remarks>
internal static class ChildProcessLauncher
{
    /// <summary>Starts <paramref name="start"/> (whose FileName and ArgumentList say what to run) as a guarded child process.</summary>
    public static Task<Process> StartAsync(ProcessStartInfo start) => WorkerProcessLauncher.StartAsync(start);

    /// <summary>Stops tracking a child that has exited.</summary>
    public static void Forget(Process process) => WorkerProcessLauncher.Forget(process);
}
