using Grid.Dashboard.Api;

namespace Grid.Tests.Dashboard;

/// <summary>The dashboard's shared reads: callers while a read runs share it, a successful read serves for its reuse time from its start, and a failed read is never served again.</summary>
[Trait("Category", "Fast")]
public sealed class SharedReadTests
{
    private static readonly TimeSpan Reuse = TimeSpan.FromMilliseconds(250);
    private readonly Clock _clock = new();
    private int _reads;

    [Fact]
    public async Task GetAsync_WhileAReadRuns_EveryCallerWaitsForThatOneRead()
    {
        var shared = new SharedRead<int>(Reuse, _clock);
        var answer = new TaskCompletionSource<int>();

        var first = shared.GetAsync(() => Read(answer.Task));
        var second = shared.GetAsync(() => Read(Task.FromResult(-1)));
        answer.SetResult(7);

        Assert.Equal((7, 7), (await first, await second));
        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task GetAsync_WithinTheReuseOfASuccessfulRead_ServesItAndAfterwardsReadsAgain()
    {
        var shared = new SharedRead<int>(Reuse, _clock);
        Assert.Equal(1, await shared.GetAsync(() => Read(Task.FromResult(1))));

        _clock.Advance(Reuse - TimeSpan.FromMilliseconds(1));
        var within = await shared.GetAsync(() => Read(Task.FromResult(2)));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await shared.GetAsync(() => Read(Task.FromResult(3)));

        Assert.Equal((1, 3, 2), (within, after, _reads));
    }

    [Fact]
    public async Task GetAsync_AfterAFailedRead_ReadsAgainAtOnce()
    {
        var shared = new SharedRead<int>(Reuse, _clock);
        await Assert.ThrowsAsync<InvalidOperationException>(() => shared.GetAsync(() => Read(Task.FromException<int>(new InvalidOperationException("store down")))));

        var next = await shared.GetAsync(() => Read(Task.FromResult(4)));

        Assert.Equal((4, 2), (next, _reads));
    }

    private Task<int> Read(Task<int> answer)
    {
        _reads++;
        return answer;
    }

    /// <summary>A monotonic clock that moves only when the test says.</summary>
    private sealed class Clock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
