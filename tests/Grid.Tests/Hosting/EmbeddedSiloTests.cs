using Grid.Client;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Hosting;

/// <summary>The embedded silo needs no server, no configuration and no fixed port: two of them run side by side in one process, as two grid commands do on one machine.</summary>
[Trait("Category", "Fast")]
public sealed class EmbeddedSiloTests
{
    [Fact]
    public async Task StartEmbeddedAsync_TwoAtOnce_EachRunsItsOwnJob()
    {
        var starting = Enumerable.Range(0, 2).Select(_ => GridClient.StartEmbeddedAsync()).ToArray();
        var clients = await Task.WhenAll(starting).WaitAsync(TestLimits.Hang);
        try
        {
            var jobs = clients.Select((client, n) => client.Map<long, bool>("is-prime", Enumerable.Range(0, 1000).Select(i => (long)(i + (n * 1000))))).ToArray();
            var results = await Task.WhenAll(jobs.Select(job => job.ReadAllAsync()));

            Assert.All(results, r => Assert.Equal(1000, r.Count));
            Assert.Equal(168, results[0].Count(r => r.Value));
            Assert.Equal(135, results[1].Count(r => r.Value));
            Assert.NotEqual(clients[0].SiloServices, clients[1].SiloServices);
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }
}
