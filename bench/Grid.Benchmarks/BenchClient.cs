using Grid.Benchmarks.Kernels;
using Grid.Client;

namespace Grid.Benchmarks;

/// <summary>Starts the embedded silo every scenario measures, with the benchmark kernels registered.</summary>
internal static class BenchClient
{
    /// <summary>Starts a client with an embedded silo of <paramref name="workers"/> workers (the silo's default, the core count, when null).</summary>
    public static Task<GridClient> StartAsync(long? workers, CancellationToken cancellationToken) =>
        GridClient.StartEmbeddedAsync(
            silo =>
            {
                if (workers is { } n)
                {
                    silo.Configure(o => o.MaxLocalWorkers = checked((int)n));
                }

                silo.AddKernel<NoOpKernel>(NoOpKernel.Name);
            },
            cancellationToken);

    /// <summary>Yields 0, 1, ..., <paramref name="count"/> - 1 one at a time, so no input collection is ever held in memory.</summary>
    public static IEnumerable<long> Sequence(long count)
    {
        for (long i = 0; i < count; i++)
        {
            yield return i;
        }
    }
}
