using Grid.Benchmarks.Kernels;
using Grid.Client;
using Grid.Jobs;

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

    /// <summary>Maps 0 to <paramref name="items"/> - 1 through the no-op kernel, checking every result once, and returns the tally and the job's summary.</summary>
    public static async Task<(ItemTally Tally, JobSummary Summary)> MapNoOpAsync(GridClient client, long items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var tally = new ItemTally(items);
        var job = client.Map<long, long>(NoOpKernel.Name, Sequence(items), cancellationToken: cancellationToken);
        await foreach (var result in job.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            tally.Add(result);
        }

        return (tally, await job.Summary.ConfigureAwait(false));
    }

    /// <summary>Yields 0, 1, ..., <paramref name="count"/> - 1 one at a time, so no input collection is ever held in memory.</summary>
    public static IEnumerable<long> Sequence(long count)
    {
        for (long i = 0; i < count; i++)
        {
            yield return i;
        }
    }
}
