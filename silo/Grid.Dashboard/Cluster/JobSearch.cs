using Grid.Monitoring;

namespace Grid.Dashboard.Cluster;

/// <summary>Where a job was found: the silo that keeps it and the job, or neither and the silos that did not answer in time.</summary>
/// <param name="Silo">The silo that keeps the job, or <see langword="null"/>.</param>
/// <param name="Job">The job with its time line, or <see langword="null"/>.</param>
/// <param name="Silent">When the job was not found, the silos that did not answer in time, one of which may keep it.</param>
internal sealed record JobSearch(string? Silo, JobDetail? Job, IReadOnlyList<string> Silent);
