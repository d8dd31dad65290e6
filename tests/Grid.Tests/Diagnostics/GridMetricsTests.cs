using Grid.Diagnostics;
using Grid.TestingHost;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Diagnostics;

/// <summary>The Grid meter's instruments, heard in-process: each test reads only the measurements tagged with a kernel name no other test uses.</summary>
[Trait("Category", "Fast")]
public sealed class GridMetricsTests
{
    private static readonly KeyValuePair<string, object?> ProbeKernel = new(GridTags.Kernel, MetricsProbeKernel.Name);

    [Fact]
    public async Task Metrics_OneJob_CountItemsByStatusAndChunksAsItsSummaryDoes()
    {
        using var measurements = new GridMeasurements(
            GridInstruments.ItemsStarted, GridInstruments.ItemsCompleted, GridInstruments.ItemsFailed, GridInstruments.ChunkDuration, GridInstruments.ChunkQueueWait);
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
        Assert.Equal(1, measurements.Sum(GridInstruments.ItemsFailed, ProbeKernel));
        Assert.Equal(1, measurements.Sum(GridInstruments.ItemsFailed, ProbeKernel, new(GridTags.ItemStatus, "failed")));

        // Each chunk's results came back in one part, so the chunks the summary counts per worker are the job's chunks: one duration
        // and one queue wait each, the durations adding up, to the tick, to the busy time the summary reports.
        var chunks = (int)summary.Workers.Sum(w => w.Chunks);
        Assert.Equal(chunks, measurements.Count(GridInstruments.ChunkDuration, ProbeKernel));
        Assert.Equal(summary.BusyTime.Ticks, (long)Math.Round(measurements.Sum(GridInstruments.ChunkDuration, ProbeKernel) * TimeSpan.TicksPerSecond));
        Assert.Equal(chunks, measurements.Count(GridInstruments.ChunkQueueWait, ProbeKernel));
    }
}
