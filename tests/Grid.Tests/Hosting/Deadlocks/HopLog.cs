using System.Collections.Concurrent;

namespace Grid.Tests.Hosting.Deadlocks;

/// <summary>What hop grains' timers report: the chain each timer callback ran with, by grain key.</summary>
public sealed class HopLog
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string[]>> _timers = new();

    public void TimerFired(string key, string[] chain) => Timer(key).TrySetResult(chain);

    public Task<string[]> WhenTimerFired(string key) => Timer(key).Task.WaitAsync(TimeSpan.FromSeconds(60));

    private TaskCompletionSource<string[]> Timer(string key) => _timers.GetOrAdd(key, _ => new TaskCompletionSource<string[]>(TaskCreationOptions.RunContinuationsAsynchronously));
}
