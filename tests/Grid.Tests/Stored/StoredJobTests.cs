using System.Collections.Concurrent;
using System.Diagnostics;
using Grid.Client;
using Grid.Diagnostics;
using Grid.Jobs;
using Grid.Stored;
using Grid.Tests.TestKernels;
using Grid.TestingHost;
using Grid.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Stored;

/// <summary>Detached jobs on an in-process silo with a real PostgreSQL job store: submitted, run without their client, read back with each index once, cancelled, forgotten, and failed with the store's reason when it refuses writes.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class StoredJobTests(PostgresFixture postgres) : IAsyncLifetime
{
    private string _store = string.Empty;
    private TestCluster? _silo;

    private GridClient Grid => _silo!.Client;

    public async Task InitializeAsync()
    {
        _store = await postgres.CreateDatabaseAsync();
        _silo = await StartSiloAsync(_store);
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        await postgres.DropDatabaseAsync(_store);
    }

    internal static Task<TestCluster> StartSiloAsync(string? store, int? messageLimit = null) => TestCluster.StartAsync(silo =>
    {
        if (messageLimit is { } limit)
        {
            silo.Services.Configure<Orleans.Configuration.SiloMessagingOptions>(o => o.MaxMessageBodySize = limit);
        }

        silo.Configure(o => o.MaxLocalWorkers = 2);
        silo.AddKernel(TwiceKernel.Name, new TwiceKernel());
        silo.AddKernel(OddFailsKernel.Name, new OddFailsKernel());
        silo.AddKernel<LatchKernel>(LatchKernel.Name);
        silo.Services.Configure<StoredJobOptions>(o =>
        {
            o.Store = store;
            o.PollInterval = TimeSpan.FromMilliseconds(200);
        });
    });

    [Fact]
    public async Task SubmitJobAsync_Traced_TheRunsJobAndKernelSpansHangUnderTheSubmissionSpan()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GridTelemetry.ClientSourceName or GridTelemetry.JobsSourceName or GridTelemetry.KernelsSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var job = await Grid.SubmitJobAsync<long, long>(TwiceKernel.Name, Enumerable.Range(0, 500).Select(i => (long)i));
        Assert.Equal(500, (await Grid.AttachAsync<long>(job.Id).ReadAllAsync()).Count);
        var run = (await Grid.GetJobAsync(job.Id))!.RunJobId!.Value.ToString();

        // The client's submission span is the trace's root; the run's job span, started by whichever silo took the job, hangs under it,
        // and so does every kernel span of the run (under the run's chunk spans). Spans end as the run winds down, so the test waits for them.
        var submit = Assert.Single(spans, s => s.OperationName == $"grid.detach {TwiceKernel.Name}" && Equals(s.GetTagItem(GridTags.JobId), job.Id.ToString()));
        Assert.Equal((ActivityKind.Client, default(ActivitySpanId)), (submit.Kind, submit.ParentSpanId));
        await ClusterWorkload.WaitUntilAsync(
            () => Task.FromResult(spans.Any(s => s.OperationName.StartsWith("grid.job", StringComparison.Ordinal) && Equals(s.GetTagItem(GridTags.JobId), run))
                && spans.Where(s => s.OperationName.StartsWith("grid.kernel", StringComparison.Ordinal) && Equals(s.GetTagItem(GridTags.JobId), run)).Sum(s => (int)s.GetTagItem(GridTags.Items)!) == 500),
            () => Task.FromResult($"the job and kernel spans of run {run}: {string.Join(", ", spans.Select(s => s.OperationName).Distinct())}"));
        var jobSpan = Assert.Single(spans, s => s.OperationName.StartsWith("grid.job", StringComparison.Ordinal) && Equals(s.GetTagItem(GridTags.JobId), run));
        Assert.Equal((submit.TraceId, submit.SpanId), (jobSpan.TraceId, jobSpan.ParentSpanId));
        Assert.All(spans.Where(s => s.OperationName.StartsWith("grid.kernel", StringComparison.Ordinal) && Equals(s.GetTagItem(GridTags.JobId), run)), kernel => Assert.Equal(submit.TraceId, kernel.TraceId));
    }

    [Fact]
    public async Task SubmitJobAsync_ThenAttach_EveryResultOnceWithItsValue()
    {
        var job = await Grid.SubmitJobAsync<long, long>(TwiceKernel.Name, Enumerable.Range(0, 20_000).Select(i => (long)i));
        Assert.Equal(20_000, job.Total);

        var attached = Grid.AttachAsync<long>(job.Id);
        var results = await attached.ReadAllAsync();

        GridJobReading.AssertEachIndexOnce(results, 20_000);
        Assert.All(results, r => Assert.Equal(2 * r.Index, r.Value));
        var summary = await attached.Summary;
        Assert.Equal((JobOutcome.Completed, 20_000L, 20_000L), (summary.Outcome, summary.Total, summary.Succeeded));
        var stored = await Grid.GetJobAsync(job.Id);
        Assert.Equal((StoredJobState.Completed, 20_000L, 1), (stored!.State, stored.Succeeded, stored.Runs));
        Assert.Contains(await Grid.GetJobsAsync(), j => j.JobId == job.Id);
    }

    [Fact]
    public async Task AttachAsync_TwiceAtOnce_BothReadEveryResultOnce()
    {
        var job = await Grid.SubmitJobAsync<long, long>(TwiceKernel.Name, Enumerable.Range(0, 5_000).Select(i => (long)i));

        var both = await Task.WhenAll(Grid.AttachAsync<long>(job.Id).ReadAllAsync(), Grid.AttachAsync<long>(job.Id).ReadAllAsync());

        GridJobReading.AssertEachIndexOnce(both[0], 5_000);
        GridJobReading.AssertEachIndexOnce(both[1], 5_000);
    }

    [Fact]
    public async Task AttachAsync_FailedOnly_ReadsOnlyTheFailedItems()
    {
        var job = await Grid.SubmitJobAsync<long, long>(OddFailsKernel.Name, Enumerable.Range(0, 100).Select(i => (long)i));

        var failed = await Grid.AttachAsync<long>(job.Id, new AttachOptions { FailedOnly = true }).ReadAllAsync();

        Assert.Equal(Enumerable.Range(0, 50).Select(i => 2L * i + 1), failed.Select(r => r.Index).Order());
        Assert.All(failed, r => Assert.Equal((ItemStatus.Failed, OddFailsKernel.MessageFor(r.Index)), (r.Status, r.Error!.Message)));
    }

    [Fact]
    public async Task CancelJobAsync_WhileItsItemsRun_StoresEveryItemOnceAndEndsCancelled()
    {
        var latch = Path.Combine(Path.GetTempPath(), $"grid-latch-{Guid.NewGuid():N}");
        var job = await Grid.SubmitJobAsync<LatchItem, long>(LatchKernel.Name, Enumerable.Range(0, 1_000).Select(i => new LatchItem(i, i < 2 ? latch : null)));
        var attached = Grid.AttachAsync<long>(job.Id);
        var reading = attached.ReadAllAsync();
        await ClusterWorkload.WaitUntilAsync(async () => (await Grid.GetJobAsync(job.Id))!.State == StoredJobState.Running, () => Task.FromResult("the job never ran"));

        await Grid.CancelJobAsync(job.Id, "The test cancelled it.");
        var results = await reading;

        GridJobReading.AssertEachIndexOnce(results, 1_000);
        var summary = await attached.Summary;
        Assert.Equal((JobOutcome.Cancelled, "The test cancelled it."), (summary.Outcome, summary.Error));
        Assert.Equal(ItemStatus.Cancelled, results.Single(r => r.Index == 0).Status);
        Assert.Equal(1_000, summary.Completed);
    }

    [Fact]
    public async Task ForgetJobAsync_RefusedWhileRunning_DeletesOnceFinished()
    {
        var latch = Path.Combine(Path.GetTempPath(), $"grid-latch-{Guid.NewGuid():N}");
        var job = await Grid.SubmitJobAsync<LatchItem, long>(LatchKernel.Name, [new LatchItem(1, latch)]);
        await ClusterWorkload.WaitUntilAsync(async () => (await Grid.GetJobAsync(job.Id))!.State == StoredJobState.Running, () => Task.FromResult("the job never ran"));

        var refused = await Assert.ThrowsAsync<GridException>(() => Grid.ForgetJobAsync(job.Id));
        Assert.Contains("cancel it first", refused.Message, StringComparison.Ordinal);

        await File.WriteAllTextAsync(latch, string.Empty);
        await Grid.AttachAsync<long>(job.Id).ReadAllAsync();
        await Grid.ForgetJobAsync(job.Id);
        Assert.Null(await Grid.GetJobAsync(job.Id));
        File.Delete(latch);
    }

    [Fact]
    public async Task SubmitJobAsync_AnUnknownKernel_IsRefusedBeforeAnythingIsStored()
    {
        var refused = await Assert.ThrowsAsync<GridException>(() => Grid.SubmitJobAsync<long, long>("no-such-kernel", [1L]));

        Assert.Contains("no-such-kernel", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await Grid.GetJobsAsync());
    }

    [Fact]
    public async Task Results_StoreRefusesWrites_JobFailsNamingTheStoresReason()
    {
        await postgres.ExecuteAsAdminAsync(_store, "REVOKE INSERT ON grid_result_blocks FROM grid");

        var job = await Grid.SubmitJobAsync<long, long>(TwiceKernel.Name, Enumerable.Range(0, 100).Select(i => (long)i));
        var attached = Grid.AttachAsync<long>(job.Id);
        await attached.ReadAllAsync();
        var summary = await attached.Summary;

        Assert.Equal(JobOutcome.Failed, summary.Outcome);
        Assert.Contains("The job store refused to store its results (42501", summary.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitJobAsync_AnItemOverTheMessageLimit_FailsThatItemSayingWhyAndStoresTheRest()
    {
        await using var small = await StartSiloAsync(_store, messageLimit: 65_536);
        var huge = new string('x', 70_000);
        var inputs = Enumerable.Range(0, 5).Select(i => new LatchItem(i, i == 3 ? huge : null)).ToList();

        var job = await small.Client.SubmitJobAsync<LatchItem, long>(LatchKernel.Name, inputs);
        var attached = small.Client.AttachAsync<long>(job.Id);
        var results = await attached.ReadAllAsync();

        Assert.Equal(5, job.Total);
        GridJobReading.AssertEachIndexOnce(results, 5);
        var refused = results.Single(r => r.Index == 3);
        Assert.Equal(ItemStatus.Failed, refused.Status);
        Assert.StartsWith("Input item 3 is 700", refused.Error!.Message, StringComparison.Ordinal);
        Assert.EndsWith("bytes of JSON, more than the cluster's message limit (65536 bytes) allows one item.", refused.Error.Message, StringComparison.Ordinal);
        Assert.All(results.Where(r => r.Index != 3), r => Assert.Equal((true, r.Index), (r.IsSuccess, r.Value)));
        Assert.Equal((JobOutcome.Completed, 4L, 1L), ((await attached.Summary).Outcome, (await attached.Summary).Succeeded, (await attached.Summary).Failed));
    }

    [Fact]
    public async Task SubmitJobAsync_SiloWithoutStore_FailsSayingWhatToConfigure()
    {
        await using var bare = await StartSiloAsync(store: null);

        var refused = await Assert.ThrowsAsync<GridException>(() => bare.Client.SubmitJobAsync<long, long>(TwiceKernel.Name, [1L]));

        Assert.Contains("Grid:Jobs:Store", refused.Message, StringComparison.Ordinal);
    }
}
