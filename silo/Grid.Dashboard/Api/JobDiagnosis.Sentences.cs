using System.Globalization;

namespace Grid.Dashboard.Api;

/// <summary>The sentences of a diagnosis: what its figures mean, in words a person reads at a glance.</summary>
internal static partial class JobDiagnosis
{
    // The share of the job's time from which an idle stretch is told as a cost rather than in passing.
    private const double WorthTelling = 0.05;

    private static string[] Describe(Monitoring.JobDetail detail, JobDiagnosisView d, double wallMs)
    {
        var finished = detail.Job.Outcome is not null;
        if (d.Chunks == 0)
        {
            return [finished ? "The job ran no chunks, so there is nothing to measure." : "No chunk has finished yet."];
        }

        var sentences = new List<string>
        {
            finished
                ? Text($"Workers were busy {Percent(d.Efficiency)} of the time: {Duration(d.RunMs)} of work in {Duration(wallMs)} on {Workers(d.Workers)}.")
                : Text($"So far workers have been busy {Percent(d.Efficiency)} of the time: {Duration(d.RunMs)} of work in {Duration(wallMs)} on {Workers(d.Workers)}."),
            d.Chunks == 1
                ? Text($"The one chunk waited {Duration(d.QueueWaitMs)} for a free worker and ran {Duration(d.RunMs)}.")
                : Text($"Chunks waited {Duration(d.QueueWaitMs)} in all for a free worker and ran {Duration(d.RunMs)}; the median chunk waited {Duration(d.MedianQueueWaitMs)} and ran {Duration(d.MedianRunMs)}."),
        };

        if (d.Tail is { } tail && d.Workers > 1)
        {
            DescribeTail(sentences, d, tail);
        }

        if (d.Chunks > 1 && d.MedianRunMs > 0)
        {
            var slowest = d.SlowestChunks[0];
            sentences.Add(slowest.TimesMedian >= StragglerFactor
                ? Text($"The slowest chunk, {slowest.ChunkId} ({ItemsOf(slowest)} on {slowest.Worker}), ran {Duration(slowest.RunMs)}, {Times(slowest.TimesMedian)} the median chunk's {Duration(d.MedianRunMs)}.")
                : Text($"No chunk straggled: the slowest ran {Times(slowest.TimesMedian)} the median chunk's {Duration(d.MedianRunMs)}."));
        }

        if (detail.ChunksDropped > 0)
        {
            sentences.Add(Text($"These figures cover the first {d.Chunks:N0} chunks; {detail.ChunksDropped:N0} more ran and are not kept."));
        }

        return [.. sentences];
    }

    private static void DescribeTail(List<string> sentences, JobDiagnosisView d, JobTailView tail)
    {
        var ran = d.Workers - tail.UnusedWorkers;
        if (ran > 1 && tail.LastWorkerAloneMs > 0)
        {
            var straggler = d.Chunks > 1 && tail.LastChunk.TimesMedian >= StragglerFactor
                ? Text($" (a straggler: chunk {tail.LastChunk.ChunkId}, {Times(tail.LastChunk.TimesMedian)} the median)")
                : string.Empty;
            sentences.Add(Text($"For {Duration(tail.LastWorkerAloneMs)} at the end only 1 of {d.Workers} workers had work{straggler}."));
        }

        // A few milliseconds pass between the last chunk and the job's end on every job; only a wait worth reading about is told.
        if (tail.AllIdleMs >= Math.Max(1, WorthTelling * tail.EndMs))
        {
            sentences.Add(Text($"No worker had work in the last {Duration(tail.AllIdleMs)} before the job ended."));
        }

        if (ran > 1 && tail.EndMs > 0)
        {
            var share = tail.IdleWorkerMs / (tail.EndMs * d.Workers);
            sentences.Add(share >= WorthTelling
                ? Text($"From the first worker running out of work to the end ({Duration(tail.EndMs - tail.StartMs)}), workers sat idle for {Duration(tail.IdleWorkerMs)} in all, {Percent(share)} of the job's worker time.")
                : Text($"The workers ran out of work close together: {Duration(tail.IdleWorkerMs)} sat idle at the tail, {Percent(share)} of the job's worker time."));
        }

        if (tail.UnusedWorkers > 0)
        {
            sentences.Add(Text($"{tail.UnusedWorkers} of {d.Workers} workers got no chunk and sat idle throughout."));
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Workers(int workers) => workers == 1 ? "1 worker" : Text($"{workers} workers");

    private static string ItemsOf(SlowChunkView chunk) => chunk.Items == 1
        ? Text($"item {chunk.StartIndex:N0}")
        : Text($"items {chunk.StartIndex:N0} to {chunk.StartIndex + chunk.Items - 1:N0}");

    /// <summary>A fraction as a whole percentage: 0.934 is "93%".</summary>
    internal static string Percent(double fraction) => Text($"{Math.Round(fraction * 100, MidpointRounding.AwayFromZero):0}%");

    /// <summary>A ratio as "12x" or "1,250x", or with one decimal below 10: "1.4x".</summary>
    internal static string Times(double ratio) => ratio >= 9.95 ? Text($"{Math.Round(ratio, MidpointRounding.AwayFromZero):N0}x") : Text($"{ratio:0.#}x");

    /// <summary>A duration in milliseconds as a person reads it: "330 µs", "4.5 ms", "12 ms", "0.4 s", "2 min 05 s".</summary>
    internal static string Duration(double ms)
    {
        if (ms <= 0)
        {
            return "0 ms";
        }

        if (ms < 0.9995)
        {
            return Text($"{Math.Round(ms * 1000, MidpointRounding.AwayFromZero):0} µs");
        }

        if (ms < 99.95)
        {
            return Text($"{ms:0.0} ms");
        }

        if (ms < 999.5)
        {
            return Text($"{Math.Round(ms, MidpointRounding.AwayFromZero):0} ms");
        }

        var seconds = ms / 1000;
        if (seconds < 59.95)
        {
            return Text($"{seconds:0.0} s");
        }

        var whole = (long)Math.Round(seconds, MidpointRounding.AwayFromZero);
        return Text($"{whole / 60} min {whole % 60:00} s");
    }
}
