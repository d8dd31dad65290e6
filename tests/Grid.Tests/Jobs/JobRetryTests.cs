using Grid.Client;
using Grid.Jobs;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Jobs;

[Trait("Category", "Fast")]
public sealed class JobRetryTests(RetryClusterFixture cluster) : IClassFixture<RetryClusterFixture>
{
    private static readonly RetryPolicy Quick = new() { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    private GridClient Client => cluster.Client;

    [Fact]
    public async Task Map_KernelFailsFirstAttempts_EachItemSucceedsWithItsAttemptCount()
    {
        var items = Items("counts", 30, i => new FlakyItemSpec(i % 3));
        var job = Client.Map<FlakyItem, int>(FlakyKernel.Name, items, new MapOptions { Retry = Quick });

        var results = await job.ReadAllAsync();
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);

        GridJobReading.AssertEachIndexOnce(results, items.Length);
        Assert.All(results, r =>
        {
            Assert.Equal(ItemStatus.Ok, r.Status);
            Assert.Equal(items[r.Index].Failures + 1, r.Attempts);
            Assert.Equal(r.Attempts, r.Value);
        });
        Assert.Equal((30L, 0L, JobOutcome.Completed), (summary.Succeeded, summary.Failed, summary.Outcome));
        Assert.Equal(items.Sum(i => i.Failures), summary.Retries);
        Assert.Equal((0L, 0L), (summary.TimeoutRetries, summary.CrashRetries));
    }

    [Fact]
    public async Task Map_FailsMoreOftenThanMaxAttempts_ItemEndsWithItsLastErrorAfterMaxAttempts()
    {
        var items = Items("exhausted", 3, i => new FlakyItemSpec(i == 1 ? 10 : 0));

        var job = Client.Map<FlakyItem, int>(FlakyKernel.Name, items, new MapOptions { Retry = Quick });
        var results = (await job.ReadAllAsync()).OrderBy(r => r.Index).ToList();
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);

        Assert.Equal([1, 3, 1], results.Select(r => r.Attempts));
        Assert.Equal(ItemStatus.Failed, results[1].Status);
        Assert.Equal(typeof(FileNotFoundException).FullName, results[1].Error!.Type);
        Assert.Contains("fails attempt 3", results[1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(3, FlakyKernel.AttemptsOf(items[1].Key));
        Assert.Equal((2L, 1L, 2L, JobOutcome.Completed), (summary.Succeeded, summary.Failed, summary.Retries, summary.Outcome));
    }

    [Fact]
    public async Task Map_ErrorNotListedInRetryOn_IsNotRetriedWhileADerivedTypeIs()
    {
        var items = new[]
        {
            new FlakyItem(Key("listed", 0), 1, FlakyFailure.InvalidOperation),
            new FlakyItem(Key("listed", 1), 1, FlakyFailure.FileNotFound),
        };
        var options = new MapOptions { Retry = Quick.Handle<IOException>() };

        var results = (await Client.Map<FlakyItem, int>(FlakyKernel.Name, items, options).ReadAllAsync()).OrderBy(r => r.Index).ToList();

        Assert.Equal((ItemStatus.Failed, 1), (results[0].Status, results[0].Attempts));
        Assert.Equal(typeof(InvalidOperationException).FullName, results[0].Error!.Type);
        Assert.Equal(1, FlakyKernel.AttemptsOf(items[0].Key));
        Assert.Equal((ItemStatus.Ok, 2), (results[1].Status, results[1].Attempts));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Map_TimedOutItem_IsRetriedOnlyWhenThePolicyRetriesTimeouts(bool retryTimeouts)
    {
        // The first attempt waits for its token, so only the limit ends it. When it is retried, the second attempt returns at once
        // under the same limit, which is then seconds, far from what returning takes, so a loaded machine cannot push it past too.
        var item = new FlakyItem(Key($"timeout-{retryTimeouts}", 0), 1, FlakyFailure.Timeout);
        var limit = retryTimeouts ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(50);
        var options = new MapOptions { ItemTimeout = limit, Retry = Quick with { RetryTimeouts = retryTimeouts } };

        var job = Client.Map<FlakyItem, int>(FlakyKernel.Name, [item], options);
        var result = Assert.Single(await job.ReadAllAsync());
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);

        Assert.Equal(retryTimeouts ? (ItemStatus.Ok, 2) : (ItemStatus.TimedOut, 1), (result.Status, result.Attempts));
        Assert.Equal(retryTimeouts ? (1L, 1L) : (0L, 0L), (summary.Retries, summary.TimeoutRetries));
    }

    [Fact]
    public async Task Map_NoPolicyAnywhere_RunsEachItemOnce()
    {
        var item = new FlakyItem(Key("no-policy", 0), 1);

        var result = Assert.Single(await Client.Map<FlakyItem, int>(FlakyKernel.Name, [item]).ReadAllAsync());

        Assert.Equal((ItemStatus.Failed, 1), (result.Status, result.Attempts));
        Assert.Equal(1, FlakyKernel.AttemptsOf(item.Key));
    }

    [Fact]
    public async Task Map_KernelWithRetryAttribute_RetriesWithoutAJobPolicyAndTheJobsPolicyReplacesIt()
    {
        var kernels = new FlakyItem(Key("attribute", 0), 3);
        var replaced = new FlakyItem(Key("attribute", 1), 3);

        var byKernel = Assert.Single(await Client.Map<FlakyItem, int>(RetriedFlakyKernel.Name, [kernels]).ReadAllAsync());
        var byJob = Assert.Single(await Client.Map<FlakyItem, int>(RetriedFlakyKernel.Name, [replaced], new MapOptions { Retry = Quick with { MaxAttempts = 2 } }).ReadAllAsync());

        Assert.Equal((ItemStatus.Ok, 4), (byKernel.Status, byKernel.Attempts));
        Assert.Equal((ItemStatus.Failed, 2), (byJob.Status, byJob.Attempts));
    }

    [Fact]
    public async Task Map_KernelWithPolicySetOnTheSilo_UsesIt()
    {
        var item = new FlakyItem(Key("set", 0), 5);

        var result = Assert.Single(await Client.Map<FlakyItem, int>(FlakyKernel.SetName, [item]).ReadAllAsync());

        Assert.Equal((ItemStatus.Failed, RetryClusterFixture.SetPolicy.MaxAttempts), (result.Status, result.Attempts));
    }

    [Fact]
    public async Task Map_OrderedWithRetries_DeliversEveryItemInInputOrder()
    {
        var items = Items("ordered", 40, i => new FlakyItemSpec(i % 4 == 1 ? 2 : 0));

        var results = await Client.Map<FlakyItem, int>(FlakyKernel.Name, items, new MapOptions { Retry = Quick, Ordered = true }).ReadAllAsync();

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), results.Select(r => r.Index));
        Assert.All(results, r => Assert.Equal(items[r.Index].Failures + 1, r.Attempts));
    }

    [Fact]
    public async Task Map_BackoffNotYetPassed_OtherResultsStreamWhileTheItemWaitsUnretried()
    {
        // The backoff is an hour: while the test runs, the failed item must not run again, and the others must not wait for it.
        var items = Items("backoff", 10, i => new FlakyItemSpec(i == 0 ? 1 : 0));
        var options = new MapOptions { Retry = new RetryPolicy { MaxAttempts = 2, InitialDelay = TimeSpan.FromHours(1), MaxDelay = TimeSpan.FromHours(1) } };
        using var guard = TestLimits.HangGuard();

        var received = new List<ItemResult<int>>();
        await foreach (var result in Client.Map<FlakyItem, int>(FlakyKernel.Name, items, options, guard.Token))
        {
            received.Add(result);
            if (received.Count == 9)
            {
                break;
            }
        }

        Assert.DoesNotContain(received, r => r.Index == 0);
        Assert.All(received, r => Assert.Equal((ItemStatus.Ok, 1), (r.Status, r.Attempts)));
        Assert.Equal(1, FlakyKernel.AttemptsOf(items[0].Key));
    }

    [Fact]
    public void DelayBefore_ExponentialBackoff_GrowsByTheFactorUpToTheMaximum()
    {
        var policy = new RetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(100), BackoffFactor = 2, MaxDelay = TimeSpan.FromMilliseconds(300) };

        Assert.Equal([100, 200, 300, 300], Enumerable.Range(2, 4).Select(a => policy.DelayBefore(a).TotalMilliseconds));
        Assert.Equal(TimeSpan.FromMilliseconds(300), policy.DelayBefore(int.MaxValue));
    }

    [Fact]
    public async Task Map_MoreFailuresThanMaxFailures_StopsEarlyWithTheLimitNamed()
    {
        var items = Items("max-failures", 20_000, _ => new FlakyItemSpec(int.MaxValue, FlakyFailure.InvalidOperation));
        var job = Client.Map<FlakyItem, int>(FlakyKernel.Name, items, new MapOptions { MaxFailures = 3 });

        var received = new List<ItemResult<int>>();
        var error = await Assert.ThrowsAsync<TooManyFailuresException>(async () =>
        {
            await foreach (var result in job)
            {
                received.Add(result);
            }
        }).WaitAsync(TestLimits.Hang);
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);

        JobAssertions.AssertStoppedByMaxFailures(summary, error, received, maxFailures: 3);
        Assert.True(summary.Cancelled > 0, "No queued item was cancelled.");
    }

    [Fact]
    public async Task Map_FailuresWithoutMaxFailures_NeverStopTheJob()
    {
        var items = Items("all-fail", 500, _ => new FlakyItemSpec(int.MaxValue, FlakyFailure.InvalidOperation));
        var job = Client.Map<FlakyItem, int>(FlakyKernel.Name, items);

        var results = await job.ReadAllAsync();
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);

        Assert.Equal(500, results.Count);
        Assert.Equal((JobOutcome.Completed, 500L), (summary.Outcome, summary.Failed));
    }

    [Fact]
    public async Task Map_RetriedItemsAndMaxFailures_CountOnlyFinalFailures()
    {
        // Every item fails twice and succeeds on its third attempt: six failed attempts, but no final failure.
        var items = Items("final-only", 3, _ => new FlakyItemSpec(2));

        var job = Client.Map<FlakyItem, int>(FlakyKernel.Name, items, new MapOptions { Retry = Quick, MaxFailures = 0 });
        var results = await job.ReadAllAsync();
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);

        Assert.All(results, r => Assert.Equal((ItemStatus.Ok, 3), (r.Status, r.Attempts)));
        Assert.Equal((JobOutcome.Completed, 6L), (summary.Outcome, summary.Retries));
    }

    [Theory]
    [InlineData(0, "MapOptions.Retry.MaxAttempts")]
    [InlineData(1, "MapOptions.Retry.InitialDelay")]
    [InlineData(2, "MapOptions.Retry.BackoffFactor")]
    [InlineData(3, "MapOptions.Retry.MaxDelay")]
    [InlineData(4, "MapOptions.Retry.RetryOn")]
    [InlineData(5, "MapOptions.MaxFailures")]
    public void Map_InvalidRetryOption_ThrowsNamingIt(int setting, string name)
    {
        var options = setting switch
        {
            0 => new MapOptions { Retry = new RetryPolicy { MaxAttempts = 0 } },
            1 => new MapOptions { Retry = new RetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(-1) } },
            2 => new MapOptions { Retry = new RetryPolicy { BackoffFactor = double.NaN } },
            3 => new MapOptions { Retry = new RetryPolicy { InitialDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(1) } },
            4 => new MapOptions { Retry = new RetryPolicy { RetryOn = [""] } },
            _ => new MapOptions { MaxFailures = -1 },
        };

        var error = Assert.ThrowsAny<ArgumentException>(() => Client.Map<FlakyItem, int>(FlakyKernel.Name, [], options));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    private static string Key(string test, int index) => $"{test}-{index}-{Guid.NewGuid():N}";

    private static FlakyItem[] Items(string test, int count, Func<int, FlakyItemSpec> spec)
        => [.. Enumerable.Range(0, count).Select(i => new FlakyItem(Key(test, i), spec(i).Failures, spec(i).Kind))];

    private readonly record struct FlakyItemSpec(int Failures, FlakyFailure Kind = FlakyFailure.FileNotFound);
}
