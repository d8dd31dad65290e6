using System.Diagnostics;

namespace Grid.Benchmarks.Grains;

/// <summary>A non-reentrant grain for the deadlock benchmark: one grain of a pair calls the other, which calls back and so closes a cycle.</summary>
public interface ICycleGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="partner"/>, which calls this grain back; returns how long the closing call took to fail, in stopwatch ticks.</summary>
    Task<long> OpenAsync(string partner);

    /// <summary>Calls <paramref name="caller"/> back, closing the cycle, and returns the stopwatch ticks from that call to its failure (-1 when it did not fail).</summary>
    Task<long> CloseAsync(string caller);

    /// <summary>Does nothing; the call that closes the cycle.</summary>
    Task PingAsync();
}

/// <summary>The benchmark's cycle grain.</summary>
internal sealed class CycleGrain : Grain, ICycleGrain
{
    public Task<long> OpenAsync(string partner) => GrainFactory.GetGrain<ICycleGrain>(partner).CloseAsync(this.GetPrimaryKeyString());

    public async Task<long> CloseAsync(string caller)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await GrainFactory.GetGrain<ICycleGrain>(caller).PingAsync();
            return -1;
        }
        catch (DeadlockException)
        {
            return Stopwatch.GetTimestamp() - start;
        }
    }

    public Task PingAsync() => Task.CompletedTask;
}
