using System.Runtime.CompilerServices;

namespace Grid.Tests.Runtime.TestGrains;

public interface IStreamGrain : IGrain
{
    IAsyncEnumerable<int> CountAsync(int count, int failAt, CancellationToken cancellationToken);

    [OneWay]
    Task FireAsync(string name, bool fail);
}

public sealed class StreamGrain(Probe probe) : Grain, IStreamGrain
{
    public async IAsyncEnumerable<int> CountAsync(int count, int failAt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            for (var i = 0; i < count; i++)
            {
                await Task.Yield();
                if (i == failAt)
                {
                    throw new InvalidOperationException($"stream failed at {i}");
                }

                cancellationToken.ThrowIfCancellationRequested();
                yield return i;
            }
        }
        finally
        {
            probe.Signal($"stream-finally-{count}-{failAt}");
        }
    }

    public async Task FireAsync(string name, bool fail)
    {
        await probe.Gate.WaitAsync(TimeSpan.FromSeconds(60));
        probe.Signal(name);
        if (fail)
        {
            throw new InvalidOperationException("one-way failure");
        }
    }
}
