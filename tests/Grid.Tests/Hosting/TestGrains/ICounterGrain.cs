namespace Grid.Tests.Hosting.TestGrains;

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Reads the count, yields, then writes it back plus one: loses updates unless turns never overlap.</summary>
    Task IncrementAsync();

    Task<long> GetAsync();

    ValueTask<long> GetValueTaskAsync();

    ValueTask ResetAsync();
}

public sealed class CounterGrain : Grain, ICounterGrain
{
    private long _count;

    public async Task IncrementAsync()
    {
        var count = _count;
        await Task.Yield();
        _count = count + 1;
    }

    public Task<long> GetAsync() => Task.FromResult(_count);

    public ValueTask<long> GetValueTaskAsync() => ValueTask.FromResult(_count);

    public ValueTask ResetAsync()
    {
        _count = 0;
        return ValueTask.CompletedTask;
    }
}
