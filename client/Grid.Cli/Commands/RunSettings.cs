using Grid.Client;
using Grid.Jobs;

namespace Grid.Cli.Commands;

/// <summary>The values of the global options for one run.</summary>
/// <param name="Json">Whether to write JSON instead of text.</param>
/// <param name="Workers">The silo's MaxLocalWorkers, or <see langword="null"/> for the number of cores.</param>
/// <param name="ItemTimeout">The time limit of one item, or <see langword="null"/> for none.</param>
/// <param name="JobTimeout">The time limit of the job, or <see langword="null"/> for none.</param>
/// <param name="Ordered">Whether results come in input order.</param>
internal sealed record RunSettings(bool Json, int? Workers, TimeSpan? ItemTimeout, TimeSpan? JobTimeout, bool Ordered)
{
    /// <summary>Gets the cluster's broker URI, or <see langword="null"/> to run on an embedded silo.</summary>
    public string? Cluster { get; init; }

    /// <summary>Gets the PEM file of CAs the cluster's TLS broker must chain to, or <see langword="null"/> for the system's CAs.</summary>
    public string? ClusterCa { get; init; }

    /// <summary>Gets the cluster's name.</summary>
    public string ClusterName { get; init; } = "grid";

    /// <summary>Gets the hard time limit of one item, or <see langword="null"/> for only the kernel's own.</summary>
    public TimeSpan? HardItemTimeout { get; init; }

    /// <summary>Gets how many items may finally fail before the job stops early, or <see langword="null"/> for no limit.</summary>
    public long? MaxFailures { get; init; }

    /// <summary>Gets the job's retry policy, or <see langword="null"/> for the kernel's own (set on the silo), if any.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>Makes the options of a map job from these settings.</summary>
    public MapOptions ToMapOptions(IProgress<JobProgress>? progress = null) => new()
    {
        Ordered = Ordered,
        ItemTimeout = ItemTimeout,
        HardItemTimeout = HardItemTimeout,
        JobTimeout = JobTimeout,
        Retry = Retry,
        MaxFailures = MaxFailures,
        Progress = progress,
    };
}
