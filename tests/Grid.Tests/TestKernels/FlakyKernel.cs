using System.Collections.Concurrent;
using Grid.Kernels;

namespace Grid.Tests.TestKernels;

/// <summary>Fails each item's first attempts as the item says, then returns the number of the attempt that succeeded; keeps every item's attempt count.</summary>
internal class FlakyKernel : IKernel<FlakyItem, int>
{
    public const string Name = "flaky";

    /// <summary>The name under which the silo sets a policy with <c>SetKernelRetry</c>.</summary>
    public const string SetName = "flaky-set";

    private static readonly ConcurrentDictionary<string, int> Attempts = new(StringComparer.Ordinal);

    /// <summary>Gets how many times the item with <paramref name="key"/> has run.</summary>
    public static int AttemptsOf(string key) => Attempts.GetValueOrDefault(key);

    public int Execute(FlakyItem input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var attempt = Attempts.AddOrUpdate(input.Key, 1, (_, n) => n + 1);
        if (attempt > input.Failures)
        {
            return attempt;
        }

        switch (input.Kind)
        {
            case FlakyFailure.Timeout:
                cancellationToken.WaitHandle.WaitOne(TestLimits.Hang);
                cancellationToken.ThrowIfCancellationRequested();
                throw new InvalidOperationException($"Item {input.Key} was never stopped by its time limit.");
            case FlakyFailure.InvalidOperation:
                throw new InvalidOperationException($"Item {input.Key} fails attempt {attempt}.");
            default:
                throw new FileNotFoundException($"Item {input.Key} fails attempt {attempt}.");
        }
    }
}

/// <summary>The flaky kernel with a retry policy of its own: four attempts on I/O errors.</summary>
[Retry(MaxAttempts = 4, InitialDelayMilliseconds = 1, RetryOn = [typeof(IOException)])]
internal sealed class RetriedFlakyKernel : FlakyKernel
{
    public new const string Name = "flaky-retried";
}
