using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Grid.Client;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Isolation;

/// <summary>Kernels marked Isolation = Process: killed at the hard limit and the memory limit, crashes that fail only their own item, and worker processes reused and bounded by the worker pool.</summary>
[Collection(IsolationCollection.Name)]
[Trait("Category", "Process")]
public sealed class ProcessIsolationTests(IsolationFixture silo)
{
    private GridClient Client => silo.Client;

    [Fact]
    public async Task Map_KernelSpinsPastJobHardLimit_ItemTimedOutItsProcessKilledAndReplacedForTheNextItems()
    {
        // The limit goes only on an item that spins for ever, so nothing but the limit can end it, however slow the machine; the
        // items after it are in a job with no limit to pass.
        var spun = Assert.Single(await Client.Map<long, long>(IsolatedSpinKernel.Name, [-1], new MapOptions { HardItemTimeout = TimeSpan.FromMilliseconds(500) }).ReadAllAsync());

        Assert.Equal(ItemStatus.TimedOut, spun.Status);
        Assert.Equal(KernelReasons.HardTimeout, spun.Error!.Type);
        // The job's 500 ms wins over the kernel's own 600 s.
        Assert.Contains("hard time limit of 500 ms", spun.Error.Message, StringComparison.Ordinal);
        Assert.Contains("was killed and replaced", spun.Error.Message, StringComparison.Ordinal);
        var killed = int.Parse(Regex.Match(spun.Error.Message, @"worker process (\d+) was killed").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.DoesNotContain(killed, silo.Processes.LiveProcessIds);
        AssertExited(killed);

        var inputs = Enumerable.Range(0, 200).Select(i => (long)i).ToArray();
        var next = await Client.Map<long, int>(ProcessIdKernel.Name, inputs).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(next, inputs.Length);
        var pids = next.Select(r => r.GetValueOrThrow()).ToHashSet();
        Assert.DoesNotContain(killed, pids);
        Assert.All(pids, pid => Assert.Contains(pid, silo.Processes.LiveProcessIds));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Map_EndsWhileKernelIgnoresItsToken_WorkerProcessRunsOnPastItsTokenThenIsKilled(bool byTimeLimit)
    {
        var marker = Path.Combine(Path.GetTempPath(), $"grid-stuck-{Guid.NewGuid():N}");
        using var cancel = new CancellationTokenSource();
        // The time limit must pass while the kernel blocks, so it is far longer than a cold worker process takes to start and run the
        // kernel's first line on a loaded machine; the kernel never returns, so nothing else can end the job first.
        var options = byTimeLimit ? new MapOptions { JobTimeout = TimeSpan.FromSeconds(10) } : new MapOptions();
        var job = Client.Map<string, long>(AnnouncedStuckKernel.Name, [marker], options);

        var reading = job.ReadAllAsync(cancel.Token);
        var pid = await AnnouncedProcess.ReadAsync(marker);
        if (!byTimeLimit)
        {
            await cancel.CancelAsync();
        }

        var ended = await Assert.ThrowsAnyAsync<Exception>(() => reading);
        Assert.True(ended is OperationCanceledException or JobTimeoutException, ended.ToString());

        // The process was not killed when the job ended: it lived to see its kernel's token signalled (and wrote so), and only
        // then, the kernel blocking on, was it killed and dropped from the silo's worker processes.
        Assert.Equal(pid, await AnnouncedProcess.ReadAsync(marker + AnnouncedStuckKernel.TokenSeenSuffix));
        AssertExited(pid);
        Assert.DoesNotContain(pid, silo.Processes.LiveProcessIds);
        File.Delete(marker);
        File.Delete(marker + AnnouncedStuckKernel.TokenSeenSuffix);
    }

    [Fact]
    public async Task Map_ManyItems_RunInFewReusedWorkerProcessesNoMoreThanTheWorkers()
    {
        var inputs = Enumerable.Range(0, 2000).Select(i => (long)i).ToArray();

        var results = await Client.Map<long, int>(ProcessIdKernel.Name, inputs).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, inputs.Length);
        var pids = results.Select(r => r.GetValueOrThrow()).ToHashSet();
        Assert.DoesNotContain(Environment.ProcessId, pids);
        Assert.InRange(pids.Count, 1, IsolationFixture.Workers);
        Assert.InRange(silo.Processes.LiveProcessIds.Count, 1, IsolationFixture.Workers);
        Assert.All(pids, pid => Assert.Contains(pid, silo.Processes.LiveProcessIds));
    }

    [Fact]
    public async Task SubmitAsync_Twice_RunsInAWorkerProcessThatIsKept()
    {
        var first = await Client.SubmitAsync<long, int>(ProcessIdKernel.Name, 1).WaitAsync(TestLimits.Hang);
        var second = await Client.SubmitAsync<long, int>(ProcessIdKernel.Name, 2).WaitAsync(TestLimits.Hang);

        Assert.NotEqual(Environment.ProcessId, first);
        Assert.Contains(first, silo.Processes.LiveProcessIds);
        Assert.Contains(second, silo.Processes.LiveProcessIds);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Map_KernelPassesMemoryLimit_ItemOutOfMemoryOthersFine(bool native)
    {
        MemoryRequest[] inputs = [new(1, native), new(500, native), new(2, native), new(3, native)];

        var results = await Client.Map<MemoryRequest, int>(MemoryKernel.Name, inputs).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, inputs.Length);
        var big = Assert.Single(results, r => r.Index == 1);
        Assert.Equal(ItemStatus.Failed, big.Status);
        Assert.Equal(KernelReasons.OutOfMemory, big.Error!.Type);
        Assert.Contains("200 MB", big.Error.Message, StringComparison.Ordinal);
        Assert.All(results.Where(r => r.Index != 1), r => Assert.Equal(inputs[r.Index].Megabytes, r.GetValueOrThrow()));
    }

    [Fact]
    public async Task Map_KernelCallsFailFast_FailsOnlyThatItemNamingTheCrash()
    {
        long[] inputs = [1, 2, 13, 4, 5, 6];

        var results = await Client.Map<long, long>(FailFastKernel.Name, inputs).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, inputs.Length);
        var crashed = Assert.Single(results, r => r.Index == 2);
        Assert.Equal(ItemStatus.Failed, crashed.Status);
        Assert.Equal(KernelReasons.WorkerCrashed, crashed.Error!.Type);
        Assert.Contains("crashed its worker process", crashed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("exit code", crashed.Error.Message, StringComparison.Ordinal);
        Assert.True(crashed.Error.Message.Contains(FailFastKernel.Message, StringComparison.Ordinal), crashed.Error.Message);
        Assert.All(results.Where(r => r.Index != 2), r => Assert.Equal(inputs[r.Index], r.GetValueOrThrow()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Map_WorkerProcessCrashes_ItemRetriedOnlyWhenThePolicyRetriesCrashesAndCountedAsSuch(bool retryCrashes)
    {
        var marker = Path.Combine(Path.GetTempPath(), $"grid-crash-once-{Guid.NewGuid():N}");
        try
        {
            var retry = new RetryPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(1), RetryCrashes = retryCrashes };

            var job = Client.Map<string, int>(CrashOnceKernel.Name, [marker], new MapOptions { Retry = retry });
            var result = Assert.Single(await job.ReadAllAsync());
            var summary = await job.Summary.WaitAsync(TestLimits.Hang);

            if (retryCrashes)
            {
                Assert.Equal((ItemStatus.Ok, 2, 2), (result.Status, result.Attempts, result.GetValueOrThrow()));
            }
            else
            {
                Assert.Equal((ItemStatus.Failed, 1, KernelReasons.WorkerCrashed), (result.Status, result.Attempts, result.Error!.Type));
            }

            Assert.Equal(retryCrashes ? (1L, 1L, 0L) : (0L, 0L, 0L), (summary.Retries, summary.CrashRetries, summary.TimeoutRetries));
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task Map_KernelOverflowsItsStack_FailsOnlyThatItemNamingTheCrash()
    {
        long[] inputs = [1, 7, 3, 4];

        var results = await Client.Map<long, long>(StackOverflowKernel.Name, inputs).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, inputs.Length);
        var crashed = Assert.Single(results, r => r.Index == 1);
        Assert.Equal(ItemStatus.Failed, crashed.Status);
        Assert.Equal(KernelReasons.WorkerCrashed, crashed.Error!.Type);
        Assert.Contains("Stack overflow", crashed.Error.Message, StringComparison.Ordinal);
        Assert.All(results.Where(r => r.Index != 1), r => Assert.Equal(inputs[r.Index], r.GetValueOrThrow()));
    }

    [Fact]
    public async Task Map_KernelPrintsToStandardOutput_FramingIsUntouched()
    {
        var inputs = Enumerable.Range(0, 300).Select(i => (long)i).ToArray();

        var results = await Client.Map<long, long>(PrintingKernel.Name, inputs).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, inputs.Length);
        Assert.All(results, r => Assert.Equal(inputs[r.Index], r.GetValueOrThrow()));
    }

    [Fact]
    public async Task Map_IsolatedKernelPastItsSoftLimit_SeesItsTokenAndKeepsItsProcess()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"grid-wait-{Guid.NewGuid():N}");
        try
        {
            // The limit goes only on an item that waits for its token, so it times out however slow the machine; the items after it
            // are in a job with no limit to pass.
            var timedOut = Assert.Single(await Client.Map<string, int>(AnnouncedTokenWaitKernel.Name, [marker], new MapOptions { ItemTimeout = TimeSpan.FromMilliseconds(100) }).ReadAllAsync());

            // The item returns only by seeing its token; its process, which it named before waiting, is still the silo's and runs.
            Assert.Equal(ItemStatus.TimedOut, timedOut.Status);
            Assert.Equal(typeof(TimeoutException).FullName, timedOut.Error!.Type);
            Assert.Contains("time limit of 100 ms", timedOut.Error!.Message, StringComparison.Ordinal);
            var waited = await AnnouncedProcess.ReadAsync(marker);
            Assert.Contains(waited, silo.Processes.LiveProcessIds);
            using (var process = Process.GetProcessById(waited))
            {
                Assert.False(process.HasExited, $"Worker process {waited} exited after its item's soft limit.");
            }

            string[] inputs = [string.Empty, string.Empty, string.Empty];
            var next = await Client.Map<string, int>(AnnouncedTokenWaitKernel.Name, inputs).ReadAllAsync();

            GridJobReading.AssertEachIndexOnce(next, inputs.Length);
            Assert.All(next, r => Assert.Contains(r.GetValueOrThrow(), silo.Processes.LiveProcessIds));
            Assert.Contains(waited, silo.Processes.LiveProcessIds);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    private static void AssertExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            Assert.True(process.WaitForExit(TestLimits.Hang), $"Process {pid} is still running.");
        }
        catch (ArgumentException)
        {
            // Gone already.
        }
    }
}
