using System.Collections.Concurrent;

namespace Grid.Tests.Hosting.Deadlocks.TestGrains;

/// <summary>Shared by the test and every silo: the gates that let a left-behind call go, and how each such call ended, by grain key.</summary>
public sealed class HopLog
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _outcomes = new();

    public Task WhenOpened(string key) => Gate(key).Task;

    public void Open(string key) => Gate(key).TrySetResult();

    /// <summary>Records how the left-behind call of grain <paramref name="key"/> ended: <c>ok</c> or the exception's type name.</summary>
    public void Report(string key, string outcome) => Outcome(key).TrySetResult(outcome);

    public Task<string> WhenReported(string key) => Outcome(key).Task;

    private TaskCompletionSource Gate(string key)
        => _gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private TaskCompletionSource<string> Outcome(string key)
        => _outcomes.GetOrAdd(key, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}
