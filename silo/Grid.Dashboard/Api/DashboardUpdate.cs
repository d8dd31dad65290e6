namespace Grid.Dashboard.Api;

/// <summary>What the event stream pushes every half second: the cluster's silos, jobs, the latest throughput and how many errors are kept.</summary>
/// <param name="At">When the update was taken.</param>
/// <param name="Silos">The silos of the cluster.</param>
/// <param name="Jobs">Running jobs, then finished ones, newest first.</param>
/// <param name="Throughput">Items per second over the latest seconds (the whole history in the first update of a stream).</param>
/// <param name="SiloThroughput">Items each silo's workers ran per second over the same seconds.</param>
/// <param name="ErrorCount">The item errors kept.</param>
/// <param name="LastErrorAt">When the newest kept error happened, so a page knows when to fetch the list again.</param>
internal sealed record DashboardUpdate(DateTimeOffset At, IReadOnlyList<SiloView> Silos, IReadOnlyList<JobView> Jobs, IReadOnlyList<ThroughputPointView> Throughput, IReadOnlyList<SiloThroughputView> SiloThroughput, int ErrorCount, DateTimeOffset? LastErrorAt);
