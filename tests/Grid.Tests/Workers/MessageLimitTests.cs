using Grid.Client;
using Grid.Jobs;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Workers;

/// <summary>Items and results far larger than the cluster's message limit allows in one message still travel: batches, chunks and result parts are cut within it, and no connection is lost to an oversized message.</summary>
[Collection(InProcessClusterCollection.Name)]
[Trait("Category", "Fast")]
public sealed class MessageLimitTests
{
    // A 256 KiB message limit: Grid keeps each batch, chunk and result part within 32 KiB of estimated bytes.
    private const int Limit = 256 * 1024;

    [Fact]
    public async Task Map_OutputsTogetherFarOverTheMessageLimit_DeliversEveryResultOnce()
    {
        await using var cluster = await InProcessGridCluster.StartAsync(2, Limit);

        // 200-character inputs, 10,000-character outputs: a chunk of inputs that fits one message would return results ten times the limit.
        var inputs = Enumerable.Range(0, 3_000).Select(i => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + new string('x', 194)).ToArray();
        var job = cluster.Client.Map<string, string>(ExpandKernel.Name, inputs);
        var results = await job.ReadAllAsync();
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);

        Assert.Equal(inputs.Length, results.Count);
        Assert.Equal(Enumerable.Range(0, inputs.Length).Select(i => (long)i), results.Select(r => r.Index).Order());
        Assert.All(results, r => Assert.Equal(string.Concat(Enumerable.Repeat(inputs[r.Index], ExpandKernel.Times)), r.Value));
        Assert.Equal(JobOutcome.Completed, summary.Outcome);
        Assert.Equal(inputs.Length, summary.Succeeded);
    }

    [Fact]
    public async Task Map_InputsTogetherFarOverTheMessageLimit_DeliversEveryResultOnceInOrder()
    {
        await using var cluster = await InProcessGridCluster.StartAsync(2, Limit);

        // 60 inputs of 40,000 characters: 2.4 MB of input through messages of at most 256 KiB, read back in input order.
        var inputs = Enumerable.Range(0, 60).Select(i => new string((char)('a' + (i % 26)), 40_000)).ToArray();
        var job = cluster.Client.Map<string, long>(LengthKernel.Name, inputs, new MapOptions { Ordered = true });
        var results = await job.ReadAllAsync();

        Assert.Equal(Enumerable.Range(0, inputs.Length).Select(i => (long)i), results.Select(r => r.Index));
        Assert.All(results, r => Assert.Equal(40_000L, r.Value));
    }
}
