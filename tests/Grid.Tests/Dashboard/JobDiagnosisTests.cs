using Grid.Dashboard.Api;
using Grid.Jobs;
using Grid.Monitoring;

namespace Grid.Tests.Dashboard;

/// <summary>The diagnosis of a job from hand-made chunk time lines: queue wait against run time, stragglers against the median, idle workers at the tail and efficiency, in exact figures and sentences.</summary>
[Trait("Category", "Fast")]
public sealed class JobDiagnosisTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Of_FinishedJobWhoseLastChunkStraggles_NamesTheStragglerAndTheIdleTail()
    {
        // Worker 1 runs chunks 0, 2 and 4 (800 ms, eight times the median); worker 2 runs 1 and 3 and has no work after 245 ms.
        var detail = Detail(workers: 2, elapsedMs: 1000, JobOutcome.Completed, chunksDropped: 0,
            Chunk(0, "silo/worker-1", 0, 100, dispatched: 0, started: 0, ended: 100),
            Chunk(1, "silo/worker-2", 100, 100, dispatched: 0, started: 10, ended: 110),
            Chunk(2, "silo/worker-1", 200, 100, dispatched: 50, started: 100, ended: 200),
            Chunk(3, "silo/worker-2", 300, 100, dispatched: 60, started: 110, ended: 245),
            Chunk(4, "silo/worker-1", 400, 100, dispatched: 150, started: 200, ended: 1000));

        var diagnosis = JobDiagnosis.Of(detail);

        Assert.Equal((5, 2), (diagnosis.Chunks, diagnosis.Workers));
        Assert.Equal((160.0, 1235.0, 50.0, 100.0), (diagnosis.QueueWaitMs, diagnosis.RunMs, diagnosis.MedianQueueWaitMs, diagnosis.MedianRunMs));
        Assert.Equal(0.6175, diagnosis.Efficiency, precision: 9);
        Assert.Equal([4L, 3L, 0L], diagnosis.SlowestChunks.Select(c => c.ChunkId));
        Assert.Equal(new SlowChunkView(4, "silo/worker-1", 400, 100, 800, 8), diagnosis.SlowestChunks[0]);
        var tail = Assert.IsType<JobTailView>(diagnosis.Tail);
        Assert.Equal((245.0, 1000.0, 755.0, 755.0, 0.0, 0), (tail.StartMs, tail.EndMs, tail.IdleWorkerMs, tail.LastWorkerAloneMs, tail.AllIdleMs, tail.UnusedWorkers));
        Assert.Equal(diagnosis.SlowestChunks[0], tail.LastChunk);
        Assert.Equal(
            [
                "Workers were busy 62% of the time: 1.2 s of work in 1.0 s on 2 workers.",
                "Chunks waited 160 ms in all for a free worker and ran 1.2 s; the median chunk waited 50.0 ms and ran 100 ms.",
                "For 755 ms at the end only 1 of 2 workers had work (a straggler: chunk 4, 8x the median).",
                "From the first worker running out of work to the end (755 ms), workers sat idle for 755 ms in all, 38% of the job's worker time.",
                "The slowest chunk, 4 (items 400 to 499 on silo/worker-1), ran 800 ms, 8x the median chunk's 100 ms.",
            ],
            diagnosis.Sentences);
    }

    [Fact]
    public void Of_FinishedJobWithAnUnusedWorkerAndAnIdleEnd_TellsTheUnusedWorkerApartAndSaysNoWorkerHadWork()
    {
        // Three workers: worker 3 never gets a chunk, worker 2 stops at 50 ms, worker 1 at 200 ms, and the job ends at 400 ms.
        var detail = Detail(workers: 3, elapsedMs: 400, JobOutcome.Completed, chunksDropped: 0,
            Chunk(0, "silo/worker-1", 0, 1, dispatched: 0, started: 0, ended: 100),
            Chunk(1, "silo/worker-1", 1, 1, dispatched: 0, started: 100, ended: 200),
            Chunk(2, "silo/worker-2", 2, 1, dispatched: 0, started: 0, ended: 50));

        var diagnosis = JobDiagnosis.Of(detail);

        Assert.Equal((100.0, 250.0, 0.0, 100.0), (diagnosis.QueueWaitMs, diagnosis.RunMs, diagnosis.MedianQueueWaitMs, diagnosis.MedianRunMs));
        Assert.Equal(250.0 / 1200, diagnosis.Efficiency, precision: 9);
        var tail = Assert.IsType<JobTailView>(diagnosis.Tail);

        // Idle from 50 ms: worker 1 for 200 ms, worker 2 for 350 ms; worker 3, which ran no chunk, is told apart.
        Assert.Equal((50.0, 400.0, 550.0, 150.0, 200.0, 1), (tail.StartMs, tail.EndMs, tail.IdleWorkerMs, tail.LastWorkerAloneMs, tail.AllIdleMs, tail.UnusedWorkers));
        Assert.Equal(1, tail.LastChunk.ChunkId);
        Assert.Equal(
            [
                "Workers were busy 21% of the time: 250 ms of work in 400 ms on 3 workers.",
                "Chunks waited 100 ms in all for a free worker and ran 250 ms; the median chunk waited 0 ms and ran 100 ms.",
                "For 150 ms at the end only 1 of 3 workers had work.",
                "No worker had work in the last 200 ms before the job ended.",
                "From the first worker running out of work to the end (350 ms), workers sat idle for 550 ms in all, 46% of the job's worker time.",
                "1 of 3 workers got no chunk and sat idle throughout.",
                "No chunk straggled: the slowest ran 1x the median chunk's 100 ms.",
            ],
            diagnosis.Sentences);
    }

    [Fact]
    public void Of_RunningJob_GivesEfficiencySoFarAndTheMedianOfAnEvenCountButNoTail()
    {
        var detail = Detail(workers: 4, elapsedMs: 600, outcome: null, chunksDropped: 7,
            Chunk(0, "silo/worker-1", 0, 10, dispatched: 0, started: 0, ended: 100),
            Chunk(1, "silo/worker-2", 10, 10, dispatched: 0, started: 20, ended: 140),
            Chunk(2, "silo/worker-3", 20, 10, dispatched: 0, started: 30, ended: 190),
            Chunk(3, "silo/worker-1", 30, 10, dispatched: 90, started: 100, ended: 230));

        var diagnosis = JobDiagnosis.Of(detail);

        Assert.Equal((60.0, 510.0, 15.0, 125.0), (diagnosis.QueueWaitMs, diagnosis.RunMs, diagnosis.MedianQueueWaitMs, diagnosis.MedianRunMs));
        Assert.Equal(510.0 / 2400, diagnosis.Efficiency, precision: 9);
        Assert.Null(diagnosis.Tail);
        Assert.Equal(1.28, diagnosis.SlowestChunks[0].TimesMedian, precision: 9);
        Assert.Equal(
            [
                "So far workers have been busy 21% of the time: 510 ms of work in 600 ms on 4 workers.",
                "Chunks waited 60.0 ms in all for a free worker and ran 510 ms; the median chunk waited 15.0 ms and ran 125 ms.",
                "No chunk straggled: the slowest ran 1.3x the median chunk's 125 ms.",
                "These figures cover the first 4 chunks; 7 more ran and are not kept.",
            ],
            diagnosis.Sentences);
    }

    [Fact]
    public void Of_MoreWorkersRanChunksThanTheJobStartedWith_CountsEveryWorkerThatRan()
    {
        // A silo joined while the job ran: three workers ran chunks of a job that started with two.
        var detail = Detail(workers: 2, elapsedMs: 100, JobOutcome.Completed, chunksDropped: 0,
            Chunk(0, "a/worker-1", 0, 1, dispatched: 0, started: 0, ended: 100),
            Chunk(1, "a/worker-2", 1, 1, dispatched: 0, started: 0, ended: 100),
            Chunk(2, "b/worker-1", 2, 1, dispatched: 0, started: 0, ended: 100));

        var diagnosis = JobDiagnosis.Of(detail);

        Assert.Equal((3, 1.0), (diagnosis.Workers, diagnosis.Efficiency));
        Assert.Equal((0.0, 0.0, 0), (diagnosis.Tail!.IdleWorkerMs, diagnosis.Tail.LastWorkerAloneMs, diagnosis.Tail.UnusedWorkers));
        Assert.Equal(
            [
                "Workers were busy 100% of the time: 300 ms of work in 100 ms on 3 workers.",
                "Chunks waited 0 ms in all for a free worker and ran 300 ms; the median chunk waited 0 ms and ran 100 ms.",
                "The workers ran out of work close together: 0 ms sat idle at the tail, 0% of the job's worker time.",
                "No chunk straggled: the slowest ran 1x the median chunk's 100 ms.",
            ],
            diagnosis.Sentences);
    }

    [Fact]
    public void Of_OneOfTwoWorkersRanEveryChunk_SaysTheOtherSatIdleRatherThanDescribingATail()
    {
        // Sub-millisecond chunks that one worker runs faster than the other can take any, then a slow last one.
        var detail = Detail(workers: 2, elapsedMs: 10, JobOutcome.Completed, chunksDropped: 0,
            Chunk(0, "silo/worker-1", 0, 1, dispatched: 0, started: 0, ended: 0.5),
            Chunk(1, "silo/worker-1", 1, 1, dispatched: 0, started: 0.5, ended: 1),
            Chunk(2, "silo/worker-1", 2, 1, dispatched: 0, started: 1, ended: 9.8));

        var diagnosis = JobDiagnosis.Of(detail);

        var tail = Assert.IsType<JobTailView>(diagnosis.Tail);
        Assert.Equal((0.0, 1), (tail.LastWorkerAloneMs, tail.UnusedWorkers));
        Assert.Equal(
            [
                "Workers were busy 49% of the time: 9.8 ms of work in 10.0 ms on 2 workers.",
                "Chunks waited 1.5 ms in all for a free worker and ran 9.8 ms; the median chunk waited 500 µs and ran 500 µs.",
                "1 of 2 workers got no chunk and sat idle throughout.",
                "The slowest chunk, 2 (item 2 on silo/worker-1), ran 8.8 ms, 18x the median chunk's 500 µs.",
            ],
            diagnosis.Sentences);
    }

    [Theory]
    [InlineData(null, "No chunk has finished yet.")]
    [InlineData(JobOutcome.Completed, "The job ran no chunks, so there is nothing to measure.")]
    public void Of_NoChunks_SaysSoAndHasNoFigures(JobOutcome? outcome, string sentence)
    {
        var diagnosis = JobDiagnosis.Of(Detail(workers: 2, elapsedMs: 50, outcome, chunksDropped: 0));

        Assert.Equal([sentence], diagnosis.Sentences);
        Assert.Equal((0, 0.0, 0.0), (diagnosis.Chunks, diagnosis.RunMs, diagnosis.Efficiency));
        Assert.Empty(diagnosis.SlowestChunks);
        Assert.Null(diagnosis.Tail);
    }

    [Theory]
    [InlineData(0, "0 ms")]
    [InlineData(0.0004, "0 µs")]
    [InlineData(0.4, "400 µs")]
    [InlineData(0.9996, "1.0 ms")]
    [InlineData(12.64, "12.6 ms")]
    [InlineData(99.96, "100 ms")]
    [InlineData(999.4, "999 ms")]
    [InlineData(999.5, "1.0 s")]
    [InlineData(59_940, "59.9 s")]
    [InlineData(59_950, "1 min 00 s")]
    [InlineData(125_000, "2 min 05 s")]
    public void Duration_Milliseconds_ReadsAsAPersonWouldSayIt(double ms, string text)
        => Assert.Equal(text, JobDiagnosis.Duration(ms));

    [Theory]
    [InlineData(12.3, "12x")]
    [InlineData(130_455.2, "130,455x")]
    [InlineData(9.96, "10x")]
    [InlineData(8, "8x")]
    [InlineData(1.44, "1.4x")]
    public void Times_Ratio_WholeFromTenElseOneDecimal(double ratio, string text)
        => Assert.Equal(text, JobDiagnosis.Times(ratio));

    private static JobDetail Detail(int workers, double elapsedMs, JobOutcome? outcome, long chunksDropped, params ChunkSpan[] chunks)
    {
        var items = chunks.Sum(c => (long)c.Items);
        var job = new JobSnapshot(Guid.NewGuid(), "test", Start, items, outcome is null ? null : items, items, 0, 0, 0, workers, outcome, TimeSpan.FromMilliseconds(elapsedMs));
        return new JobDetail(job, chunks, chunksDropped);
    }

    private static ChunkSpan Chunk(long id, string worker, long startIndex, int items, double dispatched, double started, double ended)
        => new(id, worker, startIndex, items, 0, At(dispatched), At(started), At(ended));

    private static DateTimeOffset At(double ms) => Start + TimeSpan.FromMilliseconds(ms);
}
