namespace Grid.Dashboard.Api;

/// <summary>Why a job took as long as it did, from its chunk time line: queue wait against run time, the slowest chunks, idle workers at the tail and efficiency, with sentences that say it.</summary>
/// <param name="Chunks">The chunks the figures cover (the kept ones).</param>
/// <param name="Workers">The workers the figures count: the job's, or more when more ran its chunks.</param>
/// <param name="QueueWaitMs">The time chunks waited for a worker, summed, in milliseconds.</param>
/// <param name="RunMs">The time chunks ran, summed (the workers' busy time), in milliseconds.</param>
/// <param name="MedianQueueWaitMs">The median chunk's wait for a worker, in milliseconds.</param>
/// <param name="MedianRunMs">The median chunk's run time, in milliseconds.</param>
/// <param name="Efficiency">Busy time over wall time times workers, 0 to 1.</param>
/// <param name="SlowestChunks">The slowest chunks, slowest first (up to three).</param>
/// <param name="Tail">The job's tail once it has finished and ran a chunk, else <see langword="null"/>.</param>
/// <param name="Sentences">The diagnosis in a few plain sentences, as the page shows it.</param>
internal sealed record JobDiagnosisView(
    int Chunks,
    int Workers,
    double QueueWaitMs,
    double RunMs,
    double MedianQueueWaitMs,
    double MedianRunMs,
    double Efficiency,
    IReadOnlyList<SlowChunkView> SlowestChunks,
    JobTailView? Tail,
    IReadOnlyList<string> Sentences);
