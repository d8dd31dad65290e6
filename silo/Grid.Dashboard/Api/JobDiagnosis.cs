using Grid.Monitoring;

namespace Grid.Dashboard.Api;

/// <summary>Works out from a job's chunk time line why it took as long as it did: queue wait against run time, stragglers, idle workers at the tail and efficiency.</summary>
/// <remarks>
/// Every figure comes from the chunks the silo's <see cref="JobMonitor"/> keeps (when each was sent, began and ended, and on which worker),
/// so it costs the job nothing. The tail is measured over the workers that ran chunks; a worker that ran none is counted apart, as idle
/// throughout. The job's workers are those it was given, or more when more ran its chunks.
/// </remarks>
internal static partial class JobDiagnosis
{
    /// <summary>How many times the median chunk's run time a chunk takes to be called a straggler.</summary>
    public const double StragglerFactor = 3;

    /// <summary>The slowest chunks a diagnosis lists.</summary>
    public const int SlowestListed = 3;

    /// <summary>Diagnoses <paramref name="detail"/>: figures, and the sentences that say them.</summary>
    public static JobDiagnosisView Of(JobDetail detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var job = detail.Job;
        IReadOnlyList<ChunkSpan> chunks = detail.Chunks;
        var runs = new double[chunks.Count];
        var waits = new double[chunks.Count];
        var lastEnds = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            runs[i] = Milliseconds(chunk.Ended - chunk.Started);
            waits[i] = chunk.QueueWait.TotalMilliseconds;
            var end = Milliseconds(chunk.Ended - job.Started);
            lastEnds[chunk.Worker] = lastEnds.TryGetValue(chunk.Worker, out var last) ? Math.Max(last, end) : end;
        }

        var workers = Math.Max(Math.Max(1, job.Workers), lastEnds.Count);
        var wallMs = Milliseconds(job.Elapsed);
        var runMs = runs.Sum();
        var medianRun = Median(runs);
        var slowest = Enumerable.Range(0, chunks.Count)
            .OrderByDescending(i => runs[i])
            .ThenBy(i => chunks[i].ChunkId)
            .Take(SlowestListed)
            .Select(i => Slow(chunks[i], runs[i], medianRun))
            .ToArray();
        var tail = job.Outcome is not null && chunks.Count > 0 ? Tail(chunks, runs, medianRun, lastEnds, workers, wallMs) : null;
        var figures = new JobDiagnosisView(
            chunks.Count,
            workers,
            waits.Sum(),
            runMs,
            Median(waits),
            medianRun,
            wallMs > 0 ? Math.Clamp(runMs / (wallMs * workers), 0, 1) : 0,
            slowest,
            tail,
            []);
        return figures with { Sentences = Describe(detail, figures, wallMs) };
    }

    private static JobTailView Tail(IReadOnlyList<ChunkSpan> chunks, double[] runs, double medianRun, Dictionary<string, double> lastEnds, int workers, double wallMs)
    {
        // The job's end, or its last chunk's when the silos' clocks put that later.
        var byLastEnd = lastEnds.Values.OrderDescending().ToArray();
        var end = Math.Max(wallMs, byLastEnd[0]);
        var start = byLastEnd[^1];
        var idle = byLastEnd.Sum(last => end - last);
        var alone = byLastEnd.Length > 1 ? byLastEnd[0] - byLastEnd[1] : 0;
        var last = 0;
        for (var i = 1; i < chunks.Count; i++)
        {
            if (chunks[i].Ended > chunks[last].Ended)
            {
                last = i;
            }
        }

        return new JobTailView(start, end, idle, alone, end - byLastEnd[0], workers - lastEnds.Count, Slow(chunks[last], runs[last], medianRun));
    }

    private static SlowChunkView Slow(ChunkSpan chunk, double runMs, double medianRunMs)
        => new(chunk.ChunkId, chunk.Worker, chunk.StartIndex, chunk.Items, runMs, medianRunMs > 0 ? runMs / medianRunMs : 0);

    private static double Median(double[] values)
    {
        if (values.Length == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double Milliseconds(TimeSpan span) => Math.Max(0, span.TotalMilliseconds);
}
