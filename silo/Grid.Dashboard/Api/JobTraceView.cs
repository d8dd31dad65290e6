namespace Grid.Dashboard.Api;

/// <summary>A job with its chunk waterfall and how busy its workers were, for the dashboard's trace view.</summary>
/// <param name="Job">The job.</param>
/// <param name="Chunks">Its chunks in the order they finished (the first 5,000).</param>
/// <param name="ChunksDropped">Chunks finished beyond that limit, counted but not kept.</param>
/// <param name="Workers">One lane per worker that ran a chunk, by name.</param>
/// <param name="BusyMs">The busy time of all workers added up, in milliseconds.</param>
/// <param name="Utilisation">Busy time over wall time times the job's workers, 0 to 1 (the diagnosis's efficiency).</param>
/// <param name="Silo">The silo the job's grain lives on, which keeps this time line.</param>
/// <param name="Silos">How busy each silo's workers were for the job, in the order of <paramref name="Workers"/>, with the cluster's silos that ran none of it last.</param>
/// <param name="Diagnosis">Why the job took as long as it did: queue wait, stragglers, the idle tail and efficiency, with sentences that say it.</param>
internal sealed record JobTraceView(JobView Job, IReadOnlyList<ChunkView> Chunks, long ChunksDropped, IReadOnlyList<WorkerLaneView> Workers, double BusyMs, double Utilisation, string Silo, IReadOnlyList<TraceSiloView> Silos, JobDiagnosisView Diagnosis);
