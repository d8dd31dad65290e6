using System.Text.Json;
using Grid.Cli;
using Grid.Cli.Commands;
using Grid.Client;
using Grid.Kernels;
using Grid.Stored;
using Grid.TestingHost;
using Grid.Tests.Cluster;
using Grid.Tests.Stored;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cli;

/// <summary>The commands of detached jobs (<c>--detach</c>, <c>jobs</c>, <c>attach</c>, <c>cancel</c>, <c>forget</c>) against an in-process silo with a real PostgreSQL job store, reached through <see cref="CliContext.ConnectCluster"/> in place of the <c>--cluster</c>'s Redis.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class DetachedJobCommandsTests(PostgresFixture postgres) : IAsyncLifetime
{
    // Any valid Redis connection string: the command line must name a cluster, which the test's connector then stands in for.
    private const string Cluster = "127.0.0.1:6379";

    private readonly string _latch = Path.Combine(Path.GetTempPath(), $"grid-latch-{Guid.NewGuid():N}");
    private string _store = string.Empty;
    private TestCluster? _silo;

    private GridClient Grid => _silo!.Client;

    public async Task InitializeAsync()
    {
        _store = await postgres.CreateDatabaseAsync();
        _silo = await StoredJobTests.StartSiloAsync(_store);
    }

    public async Task DisposeAsync()
    {
        // Lets any latched item through, so that the silo stops at once.
        await File.WriteAllTextAsync(_latch, string.Empty);
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        await postgres.DropDatabaseAsync(_store);
        File.Delete(_latch);
    }

    [Fact]
    public async Task Detach_Primes_PrintsTheIdAndAttachShowsEachVerdictByIndex()
    {
        var submitted = await RunAsync("primes", "--detach", "2", "3", "4", "-3");

        Assert.Equal(ExitCodes.Ok, submitted.ExitCode);
        Assert.Empty(submitted.Error);
        var id = Guid.Parse(Assert.Single(submitted.OutLines));
        var stored = await Grid.GetJobAsync(id);
        Assert.Equal((BuiltInKernels.IsPrime, 4L), (stored!.Kernel, stored.Total));

        var attached = await RunAsync("attach", id.ToString());

        Assert.Equal(ExitCodes.ItemsFailed, attached.ExitCode);
        Assert.Empty(attached.Error);
        var lines = attached.ResultLines.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["item 0 is prime", "item 1 is prime", "item 2 is not prime"], lines[..3]);
        Assert.StartsWith("item 3: error: ", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("done: 4 items, 3 ok, 1 failed, 0 timed out, 0 cancelled in ", attached.OutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detach_Json_PrintsOneObjectAndAttachJsonWritesResultsWithoutInputThenTheSummary()
    {
        var submitted = await RunAsync("--json", "primes", "--detach", "7", "8");

        Assert.Equal(ExitCodes.Ok, submitted.ExitCode);
        using var detached = JsonDocument.Parse(Assert.Single(submitted.OutLines));
        Assert.Equal("detached", detached.RootElement.GetProperty("type").GetString());
        Assert.Equal("is-prime", detached.RootElement.GetProperty("kernel").GetString());
        Assert.Equal(2, detached.RootElement.GetProperty("items").GetInt64());
        var id = detached.RootElement.GetProperty("job").GetGuid();

        var attached = await RunAsync("attach", id.ToString(), "--json");

        Assert.Equal(ExitCodes.Ok, attached.ExitCode);
        Assert.Equal(3, attached.OutLines.Length);
        var values = new Dictionary<long, bool>();
        foreach (var line in attached.OutLines[..2])
        {
            using var result = JsonDocument.Parse(line);
            Assert.Equal("result", result.RootElement.GetProperty("type").GetString());
            Assert.Equal("ok", result.RootElement.GetProperty("status").GetString());
            Assert.False(result.RootElement.TryGetProperty("input", out _));
            values[result.RootElement.GetProperty("index").GetInt64()] = result.RootElement.GetProperty("value").GetBoolean();
        }

        Assert.Equal(new Dictionary<long, bool> { [0] = true, [1] = false }, values);
        using var summary = JsonDocument.Parse(attached.OutLines[2]);
        Assert.Equal(("summary", id, "completed", 2L), (
            summary.RootElement.GetProperty("type").GetString(),
            summary.RootElement.GetProperty("jobId").GetGuid(),
            summary.RootElement.GetProperty("outcome").GetString(),
            summary.RootElement.GetProperty("succeeded").GetInt64()));
    }

    [Fact]
    public async Task Detach_MaxFailures_GoesWithTheJobAndAttachSaysItStoppedEarly()
    {
        var submitted = await RunAsync("primes", "--detach", "--max-failures", "0", "--retries", "0", "-3", "-5", "7");
        var id = Guid.Parse(Assert.Single(submitted.OutLines));

        var attached = await RunAsync("attach", id.ToString());

        Assert.Equal(ExitCodes.ItemsFailed, attached.ExitCode);
        var line = Assert.Single(attached.ErrorLines);
        Assert.StartsWith("grid: the job stopped early: ", line, StringComparison.Ordinal);
        Assert.Contains("MaxFailures (0)", line, StringComparison.Ordinal);
        Assert.Equal(StoredJobState.Failed, (await Grid.GetJobAsync(id))!.State);
    }

    [Fact]
    public async Task Detach_Timeout_GoesWithTheJobAndAttachSaysItPassedItsTimeLimit()
    {
        // The largest prime below 2^63 needs about 10^9 trial divisions, far beyond half a second.
        var submitted = await RunAsync("primes", "--detach", "--timeout", "0.5", "9223372036854775783");
        var id = Guid.Parse(Assert.Single(submitted.OutLines));

        var attached = await RunAsync("attach", id.ToString());

        Assert.Equal(ExitCodes.ItemsFailed, attached.ExitCode);
        Assert.Equal(["grid: the job passed its time limit; 1 item did not finish"], attached.ErrorLines);
        Assert.Equal(StoredJobState.TimedOut, (await Grid.GetJobAsync(id))!.State);
    }

    [Fact]
    public async Task Detach_Pi_AttachPrintsTheEstimateOfTheStoredValues()
    {
        var submitted = await RunAsync("pi", "--detach", "--samples", "3000", "--chunk", "1000");
        var id = Guid.Parse(Assert.Single(submitted.OutLines));

        var attached = await RunAsync("attach", id.ToString());

        Assert.Equal(ExitCodes.Ok, attached.ExitCode);
        Assert.StartsWith("estimate: ", attached.OutLines[0], StringComparison.Ordinal);
        Assert.EndsWith(" (3000 samples in 3 items)", attached.OutLines[0], StringComparison.Ordinal);
        Assert.StartsWith("done: 3 items, 3 ok, ", attached.OutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detach_Transform_StoresTheFilesAndAttachNamesEachOne()
    {
        var root = Path.Combine(Path.GetTempPath(), $"grid-detach-{Guid.NewGuid():N}");
        var input = Path.Combine(root, "in");
        var output = Path.Combine(root, "out");
        Directory.CreateDirectory(input);
        await File.WriteAllTextAsync(Path.Combine(input, "a.txt"), "grid transforms files\n");
        await File.WriteAllTextAsync(Path.Combine(input, "b.txt"), "and detached jobs\n");
        try
        {
            var submitted = await RunAsync("transform", input, output, "--detach");
            var id = Guid.Parse(Assert.Single(submitted.OutLines));

            var attached = await RunAsync("attach", id.ToString());

            Assert.Equal(ExitCodes.Ok, attached.ExitCode);
            Assert.Equal(2, attached.ResultLines.Length);
            Assert.Contains(attached.ResultLines, line => line.StartsWith($"{Path.Combine(input, "a.txt")} -> {Path.Combine(output, "a.txt.gz")} (22 -> ", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(output, "b.txt.gz")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Jobs_ListsNewestFirst_AsATableAndAsJsonLines()
    {
        var older = await Grid.SubmitJobAsync<long, long>(TwiceKernel.Name, [1L, 2L]);
        await Grid.AttachAsync<long>(older.Id).ReadAllAsync();
        var newer = await Grid.SubmitJobAsync<long, long>(OddFailsKernel.Name, [1L, 2L, 3L, 4L]);
        await Grid.AttachAsync<long>(newer.Id).ReadAllAsync();

        var table = await RunAsync("jobs");

        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Equal(3, table.OutLines.Length);
        Assert.Equal(["job", "kernel", "state", "done", "%", "submitted", "finished", "error"], table.OutLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal([newer.Id.ToString(), OddFailsKernel.Name, "completed", "4/4", "100%"], table.OutLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..5]);
        Assert.Equal([older.Id.ToString(), TwiceKernel.Name, "completed", "2/2", "100%"], table.OutLines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..5]);

        var json = await RunAsync("jobs", "--json", "--limit", "1");

        Assert.Equal(ExitCodes.Ok, json.ExitCode);
        using var job = JsonDocument.Parse(Assert.Single(json.OutLines));
        Assert.Equal(("job", newer.Id, "completed", 4L, 2L, 2L), (
            job.RootElement.GetProperty("type").GetString(),
            job.RootElement.GetProperty("jobId").GetGuid(),
            job.RootElement.GetProperty("state").GetString(),
            job.RootElement.GetProperty("total").GetInt64(),
            job.RootElement.GetProperty("succeeded").GetInt64(),
            job.RootElement.GetProperty("failed").GetInt64()));
        Assert.Equal(JsonValueKind.String, job.RootElement.GetProperty("finished").ValueKind);
    }

    [Fact]
    public async Task Jobs_EmptyStore_SaysSoOnStderrAndExitsZero()
    {
        var result = await RunAsync("jobs");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Empty(result.Out);
        Assert.Equal(["grid jobs: the cluster's job store holds no jobs"], result.ErrorLines);
    }

    [Fact]
    public async Task Attach_Failed_ShowsOnlyTheFailedItemsAndSummarizesThemAll()
    {
        var job = await Grid.SubmitJobAsync<long, long>(OddFailsKernel.Name, Enumerable.Range(0, 6).Select(i => (long)i));

        var result = await RunAsync("attach", "--failed", job.Id.ToString());

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        Assert.Equal(["item 1: error: 1 is odd.", "item 3: error: 3 is odd.", "item 5: error: 5 is odd."], result.ResultLines.Order(StringComparer.Ordinal));
        Assert.StartsWith("done: 6 items, 3 ok, 3 failed, 0 timed out, 0 cancelled in ", result.OutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attach_KernelTheCliDoesNotKnow_ShowsEachValueAsStored()
    {
        var job = await Grid.SubmitJobAsync<long, long>(TwiceKernel.Name, [0L, 1L, 2L]);

        var result = await RunAsync("attach", job.Id.ToString());

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(["item 0: 0", "item 1: 2", "item 2: 4"], result.ResultLines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Attach_UnknownJob_OneLineNamingItAndExitsTwo()
    {
        var id = Guid.NewGuid();

        var result = await RunAsync("attach", id.ToString());

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"grid attach: there is no job {id} in the cluster's job store (it was never submitted, or was forgotten or deleted after its retention)"], result.ErrorLines);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task Attach_CtrlC_StopsReadingAndLeavesTheJobRunning()
    {
        var job = await Grid.SubmitJobAsync<LatchItem, long>(LatchKernel.Name, [new LatchItem(0, _latch), new LatchItem(1)]);
        using var cancellation = new CancellationTokenSource();
        using var stdout = new CancelOnFirstLineWriter(cancellation);
        using var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr, interactive: false, TimeProvider.System) { ConnectCluster = Connect };

        // Item 1 has no latch: its line comes at once and stands for Ctrl+C, while item 0 keeps the job running.
        var exitCode = await GridApp.RunAsync(["--cluster", Cluster, "attach", job.Id.ToString()], context, cancellation.Token);

        Assert.Equal(ExitCodes.Cancelled, exitCode);
        Assert.Equal(["item 1: 1"], stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
        Assert.Equal(
            $"grid attach: stopped reading; job {job.Id} runs on ('grid attach {job.Id}' reads it again, 'grid cancel {job.Id}' stops it)",
            stderr.ToString().TrimEnd());
        Assert.Equal(StoredJobState.Running, (await Grid.GetJobAsync(job.Id))!.State);
    }

    [Fact]
    public async Task Cancel_RunningJob_PrintsItsStateAndAttachEndsAsACancelledJob()
    {
        var job = await SubmitRunningLatchJobAsync();

        var cancelled = await RunAsync("cancel", job.ToString());

        Assert.Equal(ExitCodes.Ok, cancelled.ExitCode);
        var line = Assert.Single(cancelled.OutLines);
        Assert.True(
            line == $"job {job}: cancelled" || line.StartsWith($"job {job}: running, cancelling: ", StringComparison.Ordinal),
            line);

        var attached = await RunAsync("attach", job.ToString());

        Assert.Equal(ExitCodes.Cancelled, attached.ExitCode);
        Assert.Equal([$"grid: the job was cancelled: It was cancelled with grid cancel on {Environment.MachineName}."], attached.ErrorLines);
        Assert.StartsWith("done: 1 item, 0 ok, 0 failed, 0 timed out, 1 cancelled in ", attached.OutLines[^1], StringComparison.Ordinal);

        var again = await RunAsync("--json", "cancel", job.ToString());

        using var state = JsonDocument.Parse(Assert.Single(again.OutLines));
        Assert.Equal(("job", job, "cancelled"), (state.RootElement.GetProperty("type").GetString(), state.RootElement.GetProperty("jobId").GetGuid(), state.RootElement.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Forget_RefusedUntilTheJobEnds_ThenDeletesIt()
    {
        var job = await SubmitRunningLatchJobAsync();

        var refused = await RunAsync("forget", job.ToString());

        Assert.Equal(ExitCodes.ItemsFailed, refused.ExitCode);
        Assert.Contains("cancel it first", Assert.Single(refused.ErrorLines), StringComparison.Ordinal);

        await File.WriteAllTextAsync(_latch, string.Empty);
        await Grid.AttachAsync<long>(job).ReadAllAsync();
        var forgotten = await RunAsync("forget", job.ToString());

        Assert.Equal(ExitCodes.Ok, forgotten.ExitCode);
        Assert.Equal([$"job {job}: deleted, with its inputs and results"], forgotten.OutLines);
        Assert.Null(await Grid.GetJobAsync(job));

        var gone = await RunAsync("cancel", job.ToString());

        Assert.Equal(2, gone.ExitCode);
        Assert.StartsWith($"grid cancel: there is no job {job} in the ", Assert.Single(gone.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoStore_DetachAndJobs_FailWithOneLineNamingTheSetting()
    {
        await using var bare = await StoredJobTests.StartSiloAsync(store: null);
        Task<GridClient> ConnectBare(RunSettings settings, CancellationToken cancellationToken) => Task.FromResult(GridClient.Create(bare.GrainFactory));

        foreach (var args in new[] { new[] { "primes", "--detach", "7" }, ["jobs"], ["attach", Guid.NewGuid().ToString()] })
        {
            var result = await CliRunner.RunAsync(["--cluster", Cluster, .. args], ConnectBare, CancellationToken.None);

            Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
            var line = Assert.Single(result.ErrorLines);
            Assert.StartsWith("grid: ", line, StringComparison.Ordinal);
            Assert.Contains("Grid:Jobs:Store", line, StringComparison.Ordinal);
            Assert.Empty(result.Out);
        }
    }

    private Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(["--cluster", Cluster, .. args], Connect, CancellationToken.None);

    // A client that owns nothing, as the commands dispose theirs.
    private Task<GridClient> Connect(RunSettings settings, CancellationToken cancellationToken) => Task.FromResult(GridClient.Create(_silo!.GrainFactory));

    private async Task<Guid> SubmitRunningLatchJobAsync()
    {
        var job = await Grid.SubmitJobAsync<LatchItem, long>(LatchKernel.Name, [new LatchItem(0, _latch)]);
        await ClusterWorkload.WaitUntilAsync(async () => (await Grid.GetJobAsync(job.Id))!.State == StoredJobState.Running, () => Task.FromResult("the job never ran"));
        return job.Id;
    }

    private sealed class CancelOnFirstLineWriter(CancellationTokenSource cancellation) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            cancellation.Cancel();
        }
    }
}
