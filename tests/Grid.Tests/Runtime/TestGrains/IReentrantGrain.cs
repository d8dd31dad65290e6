namespace Grid.Tests.Runtime.TestGrains;

public interface IReentrantGrain : IGrain
{
    Task<int> WaitForGateAsync();

    Task<int> QuickAsync();
}

/// <summary>A reentrant grain: a call waiting at an await lets the next call run; both still run on one scheduler.</summary>
[Reentrant]
public sealed class ReentrantGrain(Probe probe) : Grain, IReentrantGrain
{
    private int _calls;

    public async Task<int> WaitForGateAsync()
    {
        _calls++;
        probe.Signal("reentrant-waiting");
        await probe.Gate.WaitAsync(TimeSpan.FromSeconds(60));
        return _calls;
    }

    public Task<int> QuickAsync() => Task.FromResult(++_calls);
}

public interface INonReentrantGrain : IGrain
{
    Task<int> WaitForGateAsync();

    Task<int> QuickAsync();
}

public sealed class NonReentrantGrain(Probe probe) : Grain, INonReentrantGrain
{
    private int _calls;

    public async Task<int> WaitForGateAsync()
    {
        _calls++;
        probe.Signal("nonreentrant-waiting");
        await probe.Gate.WaitAsync(TimeSpan.FromSeconds(60));
        return _calls;
    }

    public Task<int> QuickAsync() => Task.FromResult(++_calls);
}
