using System.Collections.Concurrent;
using Grid.Kernels;

namespace Grid.Tests.Workers;

/// <summary>A kernel for in-process clusters: records which silo's worker runs each item (from the kernel thread's name, <c>SILO/worker-N</c>) and holds every item until the test opens <see cref="Release"/>.</summary>
/// <remarks>Silos of an in-process cluster share this process, so they share the round; items cross between silos as numbers, so a reference could not.
/// The round is one per process, so the test classes that use it are in <see cref="InProcessClusterCollection"/> and never run at once.</remarks>
internal sealed class SpreadKernel : IKernel<long, long>
{
    public const string Name = "spread";

    private static Round s_round = new();

    /// <summary>Gets the round the running test uses.</summary>
    public static Round Current => Volatile.Read(ref s_round);

    /// <summary>Starts a new round, releasing any item of the last one.</summary>
    public static Round NewRound()
    {
        var round = new Round();
        Interlocked.Exchange(ref s_round, round).Release.Set();
        return round;
    }

    public long Execute(long input, CancellationToken cancellationToken)
    {
        var round = Current;
        var worker = Thread.CurrentThread.Name ?? "?";
        round.Enter(worker[..Math.Max(0, worker.IndexOf('/', StringComparison.Ordinal))]);
        round.Release.Wait(cancellationToken);
        return input * 2;
    }

    /// <summary>What one test's items report: the silos that ran them, and the gate that holds them.</summary>
    internal sealed class Round
    {
        private readonly ConcurrentDictionary<string, int> _entered = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();
        private readonly List<(Func<IReadOnlyDictionary<string, int>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

        public ManualResetEventSlim Release { get; } = new();

        /// <summary>Gets how many items each silo has started.</summary>
        public IReadOnlyDictionary<string, int> Entered => _entered;

        /// <summary>Completes once <paramref name="condition"/> holds for the silos' counts of started items.</summary>
        public Task WhenAsync(Func<IReadOnlyDictionary<string, int>, bool> condition)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                if (condition(_entered))
                {
                    return Task.CompletedTask;
                }

                _waiters.Add((condition, done));
            }

            return done.Task;
        }

        public void Enter(string silo)
        {
            lock (_lock)
            {
                _entered.AddOrUpdate(silo, 1, (_, n) => n + 1);
                foreach (var waiter in _waiters.Where(w => w.Condition(_entered)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult();
                }
            }
        }
    }
}
