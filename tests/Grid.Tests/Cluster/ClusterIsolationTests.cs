using System.Diagnostics;
using System.Globalization;
using Grid.Client;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Tests.Isolation;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>Process-isolated kernels on real silo programs of a cluster: a job's hard limit and retry policy travel through the broker, and the silos' worker processes are killed and replaced as on an embedded silo, and die with a silo that is killed.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ClusterIsolationTests(RedisFixture broker)
{
    [Fact]
    public async Task Map_IsolatedKernelsOnTwoSilos_HardLimitKillsTheSpinnerAndCrashesAreRetried()
    {
        // The silos load this test assembly's kernels, as an operator lists a kernel assembly in Grid:Kernels:Assemblies.
        await using var cluster = await SiloCluster.StartAsync(broker, 2, options => options with
        {
            Settings = new Dictionary<string, string> { ["Grid__Kernels__Assemblies__0"] = typeof(IsolatedSpinKernel).Assembly.Location },
        });
        await using var client = await cluster.ConnectClientAsync();

        // The limit goes only on an item that spins for ever, so nothing but the limit can end it, however slow the machine; the
        // items after it are in a job with no limit to pass.
        var stopped = Assert.Single(await client.Map<long, long>(IsolatedSpinKernel.Name, [-1], new MapOptions { HardItemTimeout = TimeSpan.FromMilliseconds(500) }).ReadAllAsync());
        long[] inputs = [1, 2, 3, 4];
        var next = await client.Map<long, long>(IsolatedSpinKernel.Name, inputs).ReadAllAsync();

        Assert.Equal((ItemStatus.TimedOut, KernelReasons.HardTimeout), (stopped.Status, stopped.Error!.Type));
        Assert.Contains("hard time limit of 500 ms", stopped.Error.Message, StringComparison.Ordinal);
        Assert.Contains("was killed and replaced", stopped.Error.Message, StringComparison.Ordinal);
        GridJobReading.AssertEachIndexOnce(next, inputs.Length);
        Assert.All(next, r => Assert.Equal(inputs[r.Index] * 2, r.GetValueOrThrow()));

        var marker = Path.Combine(Path.GetTempPath(), $"grid-cluster-crash-once-{Guid.NewGuid():N}");
        try
        {
            var retry = new RetryPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(1), RetryCrashes = true };
            var job = client.Map<string, int>(CrashOnceKernel.Name, [marker], new MapOptions { Retry = retry });

            var crashed = Assert.Single(await job.ReadAllAsync());
            var summary = await job.Summary.WaitAsync(TestLimits.Hang);

            Assert.Equal((ItemStatus.Ok, 2, 2), (crashed.Status, crashed.Attempts, crashed.GetValueOrThrow()));
            Assert.Equal((1L, 1L), (summary.Retries, summary.CrashRetries));
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task KillHard_SiloWithABusyWorkerProcess_TheWorkerProcessDiesWithIt()
    {
        // SIGKILL leaves the silo no moment to stop its worker process, and this one's kernel never returns, so the process, which
        // finishes what it was sent when its input closes, would not end on that either: only the parent-death signal its launcher gave it (setpriv --pdeathsig KILL)
        // ends it. The test run starts its own silo processes through the same launcher, which is how they die with a killed test host.
        var marker = Path.Combine(Path.GetTempPath(), $"grid-cluster-stuck-{Guid.NewGuid():N}");
        await using var cluster = await SiloCluster.StartAsync(broker, 1, options => options with
        {
            Settings = new Dictionary<string, string> { ["Grid__Kernels__Assemblies__0"] = typeof(AnnouncedStuckKernel).Assembly.Location },
        });
        var silo = cluster.Silos[0];
        await using var client = await cluster.ConnectClientAsync();
        using var stop = new CancellationTokenSource();
        var reading = client.Map<string, long>(AnnouncedStuckKernel.Name, [marker]).ReadAllAsync(stop.Token);
        int? worker = null;
        try
        {
            worker = await AnnouncedProcess.ReadAsync(marker);
            Assert.Equal(silo.Id, ParentOf(worker.Value));

            silo.KillHard();

            Assert.Equal(128 + 9, await silo.WaitForExitAsync(TestLimits.Hang));
            await WaitUntilDeadAsync(worker.Value, silo.Log);
        }
        finally
        {
            if (worker is { } pid && State(pid) is not (null or 'Z' or 'X'))
            {
                using var left = Process.GetProcessById(pid);
                left.Kill();
            }

            // The job's silo is gone: its results end one way or another, and none is looked at.
            await stop.CancelAsync();
            Assert.IsNotType<TimeoutException>(await Record.ExceptionAsync(() => reading.WaitAsync(TestLimits.Hang)));
            File.Delete(marker);
        }
    }

    /// <summary>The parent process id of <paramref name="pid"/>, from /proc/PID/stat.</summary>
    private static int ParentOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 4)..].Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>The state letter of <paramref name="pid"/> in /proc/PID/stat (Z: dead, its exit status not yet collected), or null when it is gone.</summary>
    private static char? State(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }

    /// <summary>Waits until <paramref name="pid"/> is dead: gone, or a zombie, as an orphan is until init collects it. Linux gives no event for
    /// the death of a process that is not one's child, so /proc is read again every 20 ms, up to the hang limit.</summary>
    private static async Task WaitUntilDeadAsync(int pid, string log)
    {
        var deadline = DateTime.UtcNow + TestLimits.Hang;
        while (State(pid) is { } state and not ('Z' or 'X'))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Worker process {pid} still runs (state {state}) after its silo was killed.\n{log}");
            await Task.Delay(20);
        }
    }
}
