namespace Grid.Stored;

/// <summary>Where the silos keep detached jobs and how they share them, bound from the <c>Grid:Jobs</c> configuration section.</summary>
public sealed class StoredJobOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Grid:Jobs";

    /// <summary>Gets or sets the job store: an Npgsql connection string of a PostgreSQL database (<c>Host=...;Database=...;Username=...;Password=...</c>), or <see langword="null"/> for none, which leaves the cluster without detached jobs.</summary>
    /// <remarks>It carries a password: give it in configuration or the environment (<c>Grid__Jobs__Store</c>), never in code.</remarks>
    public string? Store { get; set; }

    /// <summary>Gets or sets how long a finished job's inputs and results are kept before they are deleted.</summary>
    /// <value>The default value is 7 days.</value>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets how long a silo's hold on a job lasts unless renewed; once it passes, another silo takes the job over.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how often a silo renews its jobs' leases, looks for jobs to take and sees whether its jobs were cancelled.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many stored jobs one silo owns at once (each owned job still spreads its chunks over every silo).</summary>
    /// <value>The default value is 2.</value>
    public int MaxOwnedJobs { get; set; } = 2;

    /// <summary>Gets or sets how long a job whose client is still submitting may go without a new batch of inputs before it is failed as abandoned.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan SubmitTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long an owner keeps retrying the store when it cannot be reached (a restart of PostgreSQL) before the job fails saying why.</summary>
    /// <value>The default value is 2 minutes.</value>
    public TimeSpan StoreRetryTime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets whether a job store is configured.</summary>
    public bool HasStore => !string.IsNullOrWhiteSpace(Store);
}
