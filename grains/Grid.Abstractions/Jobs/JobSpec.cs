using Grid.Fetch;

namespace Grid.Jobs;

/// <summary>What a client asks a job grain to run: the kernel, the item types and the job's limits.</summary>
/// <param name="JobId">The job's identity, also the job grain's key.</param>
/// <param name="Kernel">The name of a kernel registered on the silo.</param>
/// <param name="InputType">The type of the input items the client sends.</param>
/// <param name="OutputType">The type of result the client expects.</param>
[GenerateSerializer]
[Immutable]
public sealed record JobSpec(Guid JobId, string Kernel, Type InputType, Type OutputType)
{
    /// <summary>Gets the time limit of one item, or <see langword="null"/> for none.</summary>
    [Id(101)]
    public TimeSpan? ItemTimeout { get; init; }

    /// <summary>Gets the hard time limit of one item, or <see langword="null"/> for the kernel's own: past it a kernel that ignored its token is abandoned or its worker process killed; not less than <see cref="ItemTimeout"/>.</summary>
    [Id(102)]
    public TimeSpan? HardItemTimeout { get; init; }

    /// <summary>Gets the time limit of the whole job, or <see langword="null"/> for none.</summary>
    [Id(103)]
    public TimeSpan? JobTimeout { get; init; }

    /// <summary>Gets whether results are delivered in input order rather than completion order.</summary>
    [Id(104)]
    public bool Ordered { get; init; }

    /// <summary>Gets the most items read from the input and not yet delivered to the client; 0 lets the job choose.</summary>
    [Id(105)]
    public int MaxInFlight { get; init; }

    /// <summary>Gets when failed items are run again, replacing the kernel's own policy; <see langword="null"/> to use the kernel's (if it has one).</summary>
    [Id(106)]
    public RetryPolicy? Retry { get; init; }

    /// <summary>Gets how many items may finally fail (failed or timed out, after their retries) before the job stops early; <see langword="null"/> for no limit.</summary>
    [Id(107)]
    public long? MaxFailures { get; init; }

    /// <summary>Gets the settings of a fetch or upload job (<see cref="FetchJobs"/>), or <see langword="null"/> for a kernel job.</summary>
    [Id(108)]
    public FetchJobSettings? Fetch { get; init; }

    /// <summary>Gets the W3C <c>traceparent</c> of the client's span the job's span continues, or <see langword="null"/> when the client does not trace.</summary>
    [Id(109)]
    public string? TraceParent { get; init; }
}
