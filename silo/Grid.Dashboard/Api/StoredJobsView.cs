namespace Grid.Dashboard.Api;

/// <summary>The cluster's stored jobs, newest first, or an empty list on a silo without a job store.</summary>
/// <param name="HasStore">Whether the silo has a job store (<c>Grid:Jobs:Store</c>); without one the cluster keeps no detached jobs.</param>
/// <param name="Jobs">The most recently submitted jobs, newest first.</param>
internal sealed record StoredJobsView(bool HasStore, IReadOnlyList<StoredJobView> Jobs);
