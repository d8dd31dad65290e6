using System.Collections.Concurrent;

namespace Grid.Tests.Hosting.TestGrains;

/// <summary>What test grains report to the test: events the test waits on, and gates the test opens.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _events = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public SemaphoreSlim Gate { get; } = new(0);

    public void Signal(string name) => Event(name).TrySetResult();

    public Task WhenSignalled(string name) => Event(name).Task.WaitAsync(TimeSpan.FromSeconds(60));

    public int Increment(string name) => _counts.AddOrUpdate(name, 1, (_, n) => n + 1);

    public int Count(string name) => _counts.TryGetValue(name, out var n) ? n : 0;

    private TaskCompletionSource Event(string name) => _events.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
