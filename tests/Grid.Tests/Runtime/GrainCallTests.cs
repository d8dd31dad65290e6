using Grid.Tests.Runtime.TestGrains;

namespace Grid.Tests.Runtime;

public sealed class GrainCallTests(RuntimeCluster fixture) : IClassFixture<RuntimeCluster>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task IncrementAsync_OneMillionConcurrentCalls_LosesNone()
    {
        var counter = fixture.Grains.GetGrain<ICounterGrain>("million");
        const int Callers = 8;
        const int CallsPerCaller = 125_000;

        // Every call reads, yields, then writes: overlapping turns would lose increments.
        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            var calls = new Task[CallsPerCaller];
            for (var i = 0; i < CallsPerCaller; i++)
            {
                calls[i] = counter.IncrementAsync();
            }

            await Task.WhenAll(calls);
        }));
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(Callers * CallsPerCaller, await counter.GetAsync());
    }

    [Fact]
    public async Task GetGrain_SameKey_ReachesSameActivationAndDifferentKeyAnother()
    {
        var first = fixture.Grains.GetGrain<ICounterGrain>("identity-a");
        await first.ResetAsync();
        await first.IncrementAsync();
        await fixture.Grains.GetGrain<ICounterGrain>("identity-a").IncrementAsync();

        Assert.Equal(2, await first.GetAsync());
        Assert.Equal(0, await fixture.Grains.GetGrain<ICounterGrain>("identity-b").GetAsync());
        Assert.Equal(0, await fixture.Grains.GetGrain<ICounterGrain>(Guid.NewGuid()).GetAsync());
        Assert.Equal(0, await fixture.Grains.GetGrain<ICounterGrain>(42L).GetAsync());
    }

    [Fact]
    public async Task GetValueTaskAsync_ValueTaskMethods_ReturnTheGrainsValue()
    {
        var counter = fixture.Grains.GetGrain<ICounterGrain>("value-task");
        await counter.ResetAsync();
        await counter.IncrementAsync();

        Assert.Equal(1, await counter.GetValueTaskAsync());
    }

    [Fact]
    public void GetGrain_UnregisteredInterface_ThrowsNamingIt()
    {
        var error = Assert.Throws<GridException>(() => fixture.Grains.GetGrain<IUnregisteredGrain>("x"));

        Assert.Contains(nameof(IUnregisteredGrain), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountAsync_StreamedResponse_DeliversEveryElementInOrder()
    {
        var stream = fixture.Grains.GetGrain<IStreamGrain>("stream");
        var received = new List<int>();

        await foreach (var value in stream.CountAsync(100, failAt: -1, CancellationToken.None))
        {
            received.Add(value);
        }

        Assert.Equal(Enumerable.Range(0, 100), received);
        await fixture.Probe.WhenSignalled("stream-finally-100--1");
    }

    [Fact]
    public async Task CountAsync_GrainThrowsMidStream_CallerGetsTheExceptionAfterEarlierElements()
    {
        var stream = fixture.Grains.GetGrain<IStreamGrain>("stream-fails");
        var received = new List<int>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var value in stream.CountAsync(10, failAt: 3, CancellationToken.None))
            {
                received.Add(value);
            }
        });

        Assert.Equal("stream failed at 3", error.Message);
        Assert.Equal([0, 1, 2], received);
    }

    [Fact]
    public async Task CountAsync_CallerStopsEarly_GrainIteratorIsDisposed()
    {
        var stream = fixture.Grains.GetGrain<IStreamGrain>("stream-early");

        await foreach (var value in stream.CountAsync(1000, failAt: -1, CancellationToken.None))
        {
            if (value == 5)
            {
                break;
            }
        }

        await fixture.Probe.WhenSignalled("stream-finally-1000--1");
    }

    [Fact]
    public async Task CountAsync_CallerCancels_GrainSeesTheToken()
    {
        var stream = fixture.Grains.GetGrain<IStreamGrain>("stream-cancel");
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var value in stream.CountAsync(500, failAt: -1, CancellationToken.None).WithCancellation(cancellation.Token))
            {
                if (value == 2)
                {
                    await cancellation.CancelAsync();
                }
            }
        });

        await fixture.Probe.WhenSignalled("stream-finally-500--1");
    }

    [Fact]
    public async Task FireAsync_OneWay_CallerContinuesBeforeTheGrainRunsAndFailuresStayInTheGrain()
    {
        var grain = fixture.Grains.GetGrain<IStreamGrain>("one-way");

        // The grain waits for the gate, so the caller's task can only complete if it does not wait for the grain.
        await grain.FireAsync("fired-1", fail: true).WaitAsync(Limit);
        await grain.FireAsync("fired-2", fail: false).WaitAsync(Limit);
        Assert.False(fixture.Probe.WhenSignalled("fired-1").IsCompleted);

        fixture.Probe.Gate.Release(2);
        await fixture.Probe.WhenSignalled("fired-1");
        await fixture.Probe.WhenSignalled("fired-2");

        // The first call's exception did not break the grain.
        await foreach (var value in grain.CountAsync(1, failAt: -1, CancellationToken.None))
        {
            Assert.Equal(0, value);
        }
    }

    [Fact]
    public async Task WaitForGateAsync_ReentrantGrain_LetsAnotherCallRunWhileOneWaits()
    {
        var grain = fixture.Grains.GetGrain<IReentrantGrain>("reentrant");
        var waiting = grain.WaitForGateAsync();
        await fixture.Probe.WhenSignalled("reentrant-waiting");

        var quick = await grain.QuickAsync().WaitAsync(Limit);

        Assert.False(waiting.IsCompleted);
        Assert.Equal(2, quick);
        fixture.Probe.Gate.Release();
        Assert.Equal(2, await waiting.WaitAsync(Limit));
    }

    [Fact]
    public async Task WaitForGateAsync_NonReentrantGrain_NextCallWaitsForTheTurnToEnd()
    {
        var grain = fixture.Grains.GetGrain<INonReentrantGrain>("non-reentrant");
        var waiting = grain.WaitForGateAsync();
        await fixture.Probe.WhenSignalled("nonreentrant-waiting");

        var quick = grain.QuickAsync();
        // The quick call is queued behind the waiting turn; a third call proves the mailbox is ordered, not lost.
        Assert.False(quick.IsCompleted);
        fixture.Probe.Gate.Release();

        Assert.Equal(1, await waiting.WaitAsync(Limit));
        Assert.Equal(2, await quick.WaitAsync(Limit));
    }

    public interface IUnregisteredGrain : IGrain
    {
        Task PingAsync();
    }
}
