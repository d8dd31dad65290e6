using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Grid.Client;
using Grid.Fetch;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Tests.Fetch;
using Grid.Tests.Isolation;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>What users rely on from a job holds on two real silos as on an embedded one: order, time limits, the failure limit,
/// cancellation, progress, retries, fetches and uploads; each test asserts what the embedded test of that behaviour asserts.</summary>
/// <remarks>
/// The silos load this assembly's kernels: <see cref="TokenWaitKernel"/> waits on its token for a negative input, so only a time
/// limit or a cancellation ends it, and <see cref="SleepingKernel"/> ignores its token for input 1, so only a hard limit ends it.
/// Nothing here races a clock: items that block end only by the limit under test, and the others either end at once under a limit
/// seconds away or carry no limit at all.
/// </remarks>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ClusterBehaviourTests(RedisFixture broker, SharedSiloCluster shared) : IClassFixture<SharedSiloCluster>
{
    private const long Blocks = -1;

    private static readonly RetryPolicy Quick = new() { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    [Fact]
    public async Task Map_OrderedWithSlowFirstItem_DeliversInInputOrder()
    {
        await using var client = await ConnectAsync();
        // Item 0 is an 18-digit prime, hundreds of milliseconds of work; the even numbers after it end at once, so an unordered
        // job would deliver them first.
        var inputs = Enumerable.Range(1, 199).Select(i => ClusterWorkload.SlowPrimeStart + (2L * i))
            .Prepend(ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, 1)[0]).ToArray();

        var results = await client.Map<long, bool>(BuiltInKernels.IsPrime, inputs, new MapOptions { Ordered = true }).ReadAllAsync();

        Assert.Equal(Enumerable.Range(0, inputs.Length).Select(i => (long)i), results.Select(r => r.Index));
        ClusterWorkload.AssertVerdicts(results, inputs);
    }

    [Fact]
    public async Task Map_JobPassesJobTimeout_DeliversEveryResultThenThrowsJobTimeoutException()
    {
        await using var client = await ConnectAsync();
        var job = client.Map<long, int>(TokenWaitKernel.Name, Enumerable.Repeat(Blocks, 1000), new MapOptions { JobTimeout = TimeSpan.FromSeconds(1) });

        var (results, exception) = await ReadUntilThrownAsync<int, JobTimeoutException>(job);

        var summary = exception.Summary!;
        Assert.Equal(JobOutcome.TimedOut, summary.Outcome);
        Assert.Equal(summary, await job.Summary.WaitAsync(TestLimits.Hang));
        GridJobReading.AssertEachIndexOnce(results, summary.Total);
        // Every item that reached a kernel waited for its token, so it ran into the limit; the others never ran.
        Assert.Equal((0L, 0L), (summary.Succeeded, summary.Failed));
        Assert.Equal(summary.TimedOut, results.Count(r => r.Status == ItemStatus.TimedOut));
        Assert.Equal(summary.Total - summary.TimedOut, results.Count(r => r.Status == ItemStatus.Cancelled));
        Assert.All(results, r => Assert.Contains("time limit", r.Error!.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Map_ItemPassesItemTimeout_ThatItemTimesOutOthersSucceed()
    {
        await using var client = await ConnectAsync();
        const int count = 20;
        int[] hanging = [3, 11];
        var inputs = Enumerable.Range(0, count).Select(i => hanging.Contains(i) ? Blocks : i).ToArray();
        // The limit runs inside the worker process, from when the item reaches the kernel; the other items return at once.
        var itemTimeout = TimeSpan.FromSeconds(5);
        var job = client.Map<long, int>(TokenWaitKernel.Name, inputs, new MapOptions { ItemTimeout = itemTimeout });

        var results = await job.ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, count);
        foreach (var result in results)
        {
            if (hanging.Contains((int)result.Index))
            {
                JobAssertions.AssertStoppedByItemTimeout(result, itemTimeout);
            }
            else
            {
                // The kernel returns the id of the worker process it ran in.
                Assert.True(result.GetValueOrThrow() > 0, $"item {result.Index} returned {result.Value}");
            }
        }

        var summary = await job.Summary.WaitAsync(TestLimits.Hang);
        Assert.Equal((JobOutcome.Completed, (long)hanging.Length, (long)(count - hanging.Length)), (summary.Outcome, summary.TimedOut, summary.Succeeded));
    }

    [Fact]
    public async Task Map_InProcessKernelBlocksPastHardLimit_ItemsTimedOutAndTheNextItemsComplete()
    {
        await using var client = await ConnectAsync();
        // Input 1 blocks for minutes, deaf to its token: the soft limit cannot stop it, only the hard one. The limits go only on
        // such items, so nothing else can end them however slow the machine; the items after them are in a job with no limit to pass.
        int[] stuck = [1, 1];

        var stopped = await client.Map<int, int>(SleepingKernel.Name, stuck, new MapOptions
        {
            ItemTimeout = TimeSpan.FromSeconds(1),
            HardItemTimeout = TimeSpan.FromSeconds(2),
        }).ReadAllAsync();
        int[] inputs = [0, 2, 3, 4];
        var results = await client.Map<int, int>(SleepingKernel.Name, inputs).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(stopped, stuck.Length);
        Assert.All(stopped, result =>
        {
            Assert.Equal((ItemStatus.TimedOut, KernelReasons.HardTimeout), (result.Status, result.Error!.Type));
            Assert.Contains("hard time limit of 2000 ms", result.Error.Message, StringComparison.Ordinal);
            Assert.Contains("ignored its cancellation token", result.Error.Message, StringComparison.Ordinal);
            Assert.Contains("abandoned", result.Error.Message, StringComparison.Ordinal);
        });
        GridJobReading.AssertEachIndexOnce(results, inputs.Length);
        Assert.All(results, r => Assert.Equal(inputs[r.Index], r.GetValueOrThrow()));
    }

    [Fact]
    public async Task Map_MoreFailuresThanMaxFailures_StopsEarlyWithTheLimitNamed()
    {
        await using var client = await ConnectAsync();
        const int count = 20_000;
        // is-prime refuses negative numbers: every item fails at once.
        var job = client.Map<long, bool>(BuiltInKernels.IsPrime, Enumerable.Range(1, count).Select(i => (long)-i), new MapOptions { MaxFailures = 3 });

        var (received, error) = await ReadUntilThrownAsync<bool, TooManyFailuresException>(job);
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);

        JobAssertions.AssertStoppedByMaxFailures(summary, error, received, maxFailures: 3);
        // Over the broker the client sends its input in batches that grow from one item, so the job may stop before it has read
        // most of it (and then no queued item is left to cancel, unlike on an embedded silo): either way most items never run.
        Assert.True(summary.Failed < count, $"Every item ran: {summary}");
    }

    [Fact]
    public async Task GetAsyncEnumerator_MapTokenCancelledWhileItemsRun_ThrowsAndTheSilosStopTheJob()
    {
        var cluster = await ClusterAsync();
        await using var client = await cluster.ConnectClientAsync();
        using var cancellation = new CancellationTokenSource();
        var job = client.Map<long, int>(TokenWaitKernel.Name, Enumerable.Repeat(Blocks, 1000), cancellationToken: cancellation.Token);
        var reading = job.ReadAllAsync();
        await WaitUntilEveryWorkerIsBusyAsync(client);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.Summary.WaitAsync(TestLimits.Hang));
        await AssertStoppedOnTheSilosAsync(cluster, client, job.Id);
    }

    [Fact]
    public async Task GetAsyncEnumerator_LeftEarlyByBreak_TheSilosStopTheJob()
    {
        var cluster = await ClusterAsync();
        await using var client = await cluster.ConnectClientAsync();
        using var guard = TestLimits.HangGuard();
        // Item 0 returns at once; the rest wait on their token, so one result arrives while every worker is held.
        var job = client.Map<long, int>(TokenWaitKernel.Name, Enumerable.Repeat(Blocks, 999).Prepend(0), cancellationToken: guard.Token);

        var received = new List<long>();
        await foreach (var result in job)
        {
            received.Add(result.Index);
            await WaitUntilEveryWorkerIsBusyAsync(client);
            break;
        }

        Assert.Equal([0L], received);
        await Assert.ThrowsAsync<GridException>(() => job.Summary.WaitAsync(TestLimits.Hang));
        await AssertStoppedOnTheSilosAsync(cluster, client, job.Id);
        Assert.False(guard.IsCancellationRequested, "The job was stopped by the test's hang guard, not by leaving the loop.");
    }

    [Fact]
    public async Task Map_WithProgress_LastReportCoversEveryItem()
    {
        await using var client = await ConnectAsync();
        const int count = 5000;
        var progress = new RecordingProgress();
        var options = new MapOptions { Progress = progress, ProgressInterval = TimeSpan.Zero };

        await client.Map<long, bool>(BuiltInKernels.IsPrime, Enumerable.Range(0, count).Select(i => (long)i), options).ReadAllAsync();

        var reports = progress.Reports;
        Assert.NotEmpty(reports);
        var last = reports[^1];
        Assert.Equal(((long?)count, (long)count, (long)count, (long)count), (last.Total, last.Read, last.Completed, last.Succeeded));
        Assert.Equal(1.0, last.Fraction);
        var completed = reports.Select(r => r.Completed).ToList();
        Assert.Equal(completed.Order(), completed);
    }

    [Fact]
    public async Task Map_FailsMoreOftenThanMaxAttempts_ItemEndsWithItsLastErrorAfterMaxAttempts()
    {
        await using var client = await ConnectAsync();
        long[] inputs = [97, -1, 98];

        var job = client.Map<long, bool>(BuiltInKernels.IsPrime, inputs, new MapOptions { Retry = Quick });
        var results = (await job.ReadAllAsync()).OrderBy(r => r.Index).ToList();
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);

        Assert.Equal([1, 3, 1], results.Select(r => r.Attempts));
        Assert.Equal((ItemStatus.Failed, typeof(ArgumentOutOfRangeException).FullName), (results[1].Status, results[1].Error!.Type));
        Assert.Contains("takes a non-negative number", results[1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal((true, false), (results[0].GetValueOrThrow(), results[2].GetValueOrThrow()));
        Assert.Equal((2L, 1L, 2L, JobOutcome.Completed), (summary.Succeeded, summary.Failed, summary.Retries, summary.Outcome));
    }

    [Fact]
    public async Task Map_ErrorNotListedInRetryOn_IsNotRetriedWhileADerivedTypeIs()
    {
        await using var client = await ConnectAsync();

        // The silo matches the error's type name against the listed types itself: ArgumentOutOfRangeException derives from
        // ArgumentException, not from IOException.
        var listed = Assert.Single(await client.Map<long, bool>(BuiltInKernels.IsPrime, [-1L], new MapOptions { Retry = Quick.Handle<ArgumentException>() }).ReadAllAsync());
        var unlisted = Assert.Single(await client.Map<long, bool>(BuiltInKernels.IsPrime, [-1L], new MapOptions { Retry = Quick.Handle<IOException>() }).ReadAllAsync());

        Assert.Equal((ItemStatus.Failed, Quick.MaxAttempts), (listed.Status, listed.Attempts));
        Assert.Equal((ItemStatus.Failed, 1), (unlisted.Status, unlisted.Attempts));
    }

    [Fact]
    public async Task Fetch_OkUrls_ReturnStatusBytesAndBodyOfEach()
    {
        await using var client = await ConnectAsync();
        await using var server = await FetchTestServer.StartAsync();
        var urls = Enumerable.Range(1, 30).Select(size => server.Url($"/ok?size={size}")).ToArray();

        var results = await client.Fetch(urls, FetchFixture.Quick()).ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, urls.Length);
        Assert.All(results, r =>
        {
            var fetched = r.Value!;
            var size = (int)r.Index + 1;
            Assert.True(fetched.IsSuccess, fetched.Error?.Message);
            Assert.Equal((200, (long)size, 1, urls[r.Index]), (fetched.StatusCode, fetched.Bytes, fetched.Attempts, fetched.Url));
            Assert.Equal(new string('g', size), Encoding.ASCII.GetString(fetched.Body!));
        });
    }

    [Fact]
    public async Task Fetch_FailsTwiceThenSucceeds_SucceedsOnTheThirdAttempt()
    {
        await using var client = await ConnectAsync();
        await using var server = await FetchTestServer.StartAsync();
        const string path = "/flaky?fail=2";

        var result = Assert.Single(await client.Fetch([server.Url(path)], FetchFixture.Quick(new FetchOptions { MaxRetries = 2 })).ReadAllAsync()).Value!;

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, server.AttemptsOf(path));
    }

    [Fact]
    public async Task Upload_Folder_EveryFileArrivesWhole()
    {
        await using var client = await ConnectAsync();
        await using var server = await FetchTestServer.StartAsync();
        // Under the temporary folder, which the silos list in Grid:Fetch:UploadRoots.
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"grid-cluster-upload-{Guid.NewGuid():N}")).FullName;
        try
        {
            string[] files = ["a.bin", "b.bin", "sub dir/c 1.bin", "sub dir/d.bin"];
            var hashes = files.ToDictionary(file => file, file => WriteRandomFile(Path.Combine(folder, file)));

            var results = await client.Upload(folder, server.Url("/upload/up/"), new UploadOptions { MaxConcurrency = 4 }).ReadAllAsync();

            Assert.Equal(files.Length, results.Count);
            Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Message));
            Assert.All(files, file => Assert.Equal((hashes[file], "PUT"), (server.Uploads[$"up/{file}"].Sha256, server.Uploads[$"up/{file}"].Method)));
            var spaced = results.Single(r => r.Value!.File == "sub dir/c 1.bin").Value!;
            Assert.Equal((201, new FileInfo(Path.Combine(folder, "sub dir", "c 1.bin")).Length), (spaced.StatusCode, spaced.Bytes));
            Assert.Equal(server.Url("/upload/up/sub%20dir/c%201.bin"), spaced.Url);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The shared cluster, its silos loading this assembly's kernels, reaching loopback and reading uploads from the temporary folder.</summary>
    private Task<SiloCluster> ClusterAsync() => shared.GetAsync(broker, options => options with
    {
        Settings = new Dictionary<string, string>
        {
            ["Grid__Kernels__Assemblies__0"] = typeof(TokenWaitKernel).Assembly.Location,
            ["Grid__Fetch__DenyLoopback"] = "false",
            ["Grid__Fetch__UploadRoots__0"] = Path.GetTempPath(),
        },
    });

    private async Task<GridClient> ConnectAsync() => await (await ClusterAsync()).ConnectClientAsync();

    /// <summary>Reads <paramref name="job"/> until it throws <typeparamref name="TException"/>, keeping what arrived before.</summary>
    private static async Task<(List<ItemResult<T>> Results, TException Error)> ReadUntilThrownAsync<T, TException>(GridJob<T> job)
        where TException : Exception
    {
        var results = new List<ItemResult<T>>();
        var error = await Assert.ThrowsAsync<TException>(async () =>
        {
            await foreach (var result in job)
            {
                results.Add(result);
            }
        }).WaitAsync(TestLimits.Hang);
        return (results, error);
    }

    /// <summary>Waits until every worker slot of both silos runs a chunk: the job's kernels are running, not merely queued.</summary>
    private static Task WaitUntilEveryWorkerIsBusyAsync(GridClient client) => ClusterWorkload.WaitUntilAsync(
        async () => await client.GetSilosAsync() is { Count: SharedSiloCluster.SiloCount } silos && silos.All(s => s.BusyWorkers == s.WorkerSlots),
        () => ClusterWorkload.DescribeSilosAsync(client));

    /// <summary>Asserts what a stopped job promises on the silos: its grain ended it as cancelled and no silo runs or holds any of its work.</summary>
    private static async Task AssertStoppedOnTheSilosAsync(SiloCluster cluster, GridClient client, Guid jobId)
    {
        await ClusterWorkload.WaitForAnySiloLineAsync(cluster, $"Job {jobId} Cancelled");
        await ClusterWorkload.WaitUntilAsync(
            async () => await client.GetSilosAsync() is { Count: SharedSiloCluster.SiloCount } silos
                && silos.All(s => s is { BusyWorkers: 0, RunningChunks: 0, QueuedCalls: 0, Jobs: 0 }),
            () => ClusterWorkload.DescribeSilosAsync(client));
    }

    private static string WriteRandomFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = RandomNumberGenerator.GetBytes(100_000);
        File.WriteAllBytes(path, bytes);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Keeps every report as it is made, on the reporting thread.</summary>
    private sealed class RecordingProgress : IProgress<JobProgress>
    {
        private readonly ConcurrentQueue<JobProgress> _reports = new();

        public IReadOnlyList<JobProgress> Reports => [.. _reports];

        public void Report(JobProgress value) => _reports.Enqueue(value);
    }
}
