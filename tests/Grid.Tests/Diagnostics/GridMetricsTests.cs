using Grid.Diagnostics;
using Grid.TestingHost;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Diagnostics;

[Trait("Category", "Fast")]
public sealed class GridMetricsTests
{
    private static readonly KeyValuePair<string, object?> ProbeKernel = new(GridTags.Kernel, MetricsProbeKernel.Name);

    [Fact]
    public async Task Metrics_OneJob_CountsItemsByKernelAndStatus()
    {
        using var measurements = new GridMeasurements(GridInstruments.ItemsStarted, GridInstruments.ItemsCompleted, GridInstruments.ItemsFailed, GridInstruments.ChunkDuration);
        await using var cluster = await TestCluster.StartAsync(silo => silo.AddKernel(MetricsProbeKernel.Name, new MetricsProbeKernel()));

        var job = cluster.Client.Map<long, long>(MetricsProbeKernel.Name, [1, 2, 3, 4, 5, 6, -1]);
        var results = await job.ReadAllAsync();
        var summary = await job.Summary.WaitAsync(TestLimits.Hang);

        // Workers count items before they return the chunk, and the job records chunk durations before it passes results on.
        Assert.Equal(7, results.Count);
        Assert.Equal(6, summary.Succeeded);
        Assert.Equal(1, summary.Failed);
        Assert.Equal(7, measurements.Sum(GridInstruments.ItemsStarted, ProbeKernel));
        Assert.Equal(7, measurements.Sum(GridInstruments.ItemsCompleted, ProbeKernel));
        Assert.Equal(6, measurements.Sum(GridInstruments.ItemsCompleted, ProbeKernel, new(GridTags.ItemStatus, "ok")));
        Assert.Equal(1, measurements.Sum(GridInstruments.ItemsCompleted, ProbeKernel, new(GridTags.ItemStatus, "failed")));
        Assert.Equal(1, measurements.Sum(GridInstruments.ItemsFailed, ProbeKernel, new(GridTags.ItemStatus, "failed")));
        Assert.Equal(0, measurements.Count(GridInstruments.ItemsFailed, ProbeKernel, new(GridTags.ItemStatus, "ok")));
        Assert.True(measurements.Count(GridInstruments.ChunkDuration, ProbeKernel) >= 1, "grid.chunk.duration was never recorded for the probe kernel.");
    }
}
