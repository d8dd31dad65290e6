namespace Grid.Tests.Runtime.TestGrains;

public interface IPoolGrain : IGrain
{
    /// <summary>Signals that it started, waits for the gate, and returns the name of the activation that ran it.</summary>
    Task<string> WorkAsync(int n);

    Task<string> WhoAmIAsync();
}

[StatelessWorker(3)]
public sealed class PoolGrain(Probe probe) : Grain, IPoolGrain
{
    public async Task<string> WorkAsync(int n)
    {
        probe.Increment("pool-running");
        probe.Signal($"pool-started-{probe.Increment("pool-started")}");
        await probe.Gate.WaitAsync(TimeSpan.FromSeconds(60));
        return ActivationName;
    }

    public Task<string> WhoAmIAsync() => Task.FromResult(ActivationName);
}
