namespace Grid.Dashboard.Api;

/// <summary>One silo's share of a job in its trace: how many of its workers ran chunks and how busy they were, so an idle silo shows at a glance.</summary>
/// <param name="Silo">The silo's name.</param>
/// <param name="Workers">Its workers: as many as it has when it is live, else those that ran a chunk of the job.</param>
/// <param name="WorkersUsed">Its workers that ran a chunk of the job.</param>
/// <param name="Chunks">The job's chunks it ran.</param>
/// <param name="Items">The job's items it ran.</param>
/// <param name="BusyMs">Milliseconds its workers spent on the job, added up.</param>
/// <param name="Utilisation">That busy time over the job's wall time times <paramref name="Workers"/>, 0 to 1.</param>
internal sealed record TraceSiloView(string Silo, int Workers, int WorkersUsed, long Chunks, long Items, double BusyMs, double Utilisation);
