using Grid.Jobs;
using Grid.TestingHost;
using Grid.Tests.TestKernels;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Jobs;

/// <summary>A job whose client sent heartbeats and then stopped takes the client for gone and cancels itself; a job that never had one runs on.</summary>
[Trait("Category", "Fast")]
public sealed class JobClientTimeoutTests
{
    [Fact]
    public async Task KeepAliveAsync_ThenSilence_JobCancelsItselfAndItsKernelSeesItsToken()
    {
        await using var cluster = await TestCluster.StartAsync(silo => silo
            .AddKernel(GateKernel.Name, new GateKernel())
            .Services.Configure<JobOptions>(o => o.ClientTimeout = TimeSpan.FromSeconds(1)));
        using var gate = new Gate();
        var job = cluster.GrainFactory.GetGrain<IMapJobGrain>(Guid.NewGuid());
        await job.StartAsync(new JobSpec(job.GetPrimaryKey(), GateKernel.Name, typeof(GateItem), typeof(long)));
        await job.PushAsync(new InputBatch(0, new[] { new GateItem(gate, 1, Blocks: true) }), CancellationToken.None);
        await job.KeepAliveAsync();

        // No more heartbeats: the job stops and its running kernel sees its token; the stream ends (or is let go with the cancelled job).
        try
        {
            await foreach (var _ in job.ReadResultsAsync().WithCancellation(new CancellationTokenSource(TestLimits.Hang).Token))
            {
            }
        }
        catch (EnumerationAbortedException)
        {
            // A cancelled job's grain is let go at once: nobody reads its results any more.
        }

        await gate.Cancelled.WhenReached(1).WaitAsync(TestLimits.Hang);
        Assert.Equal(0, gate.Returned.Count);
    }
}
