namespace Grid.Jobs;

/// <summary>How job grains cut their input into chunks and how much they hold, bound from the <c>Grid:Jobs</c> configuration section.</summary>
public sealed class JobOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Grid:Jobs";

    /// <summary>Gets or sets the kernel time one chunk aims at.</summary>
    /// <value>The default value is 10 milliseconds.</value>
    public TimeSpan TargetChunkDuration { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Gets or sets the most items in one chunk.</summary>
    /// <value>The default value is 8,192.</value>
    public int MaxChunkSize { get; set; } = 8192;

    /// <summary>Gets or sets the most items a job holds (read and not yet delivered) when the client does not say.</summary>
    /// <value>The default value is 131,072: about 40 ms of trivial items on the embedded silo of a 2-core machine, enough to keep its
    /// workers fed; over 10,000,000 lazy items the embedded silo's peak RSS is 166 MB with it, and was 207-214 MB with 262,144.</value>
    public int DefaultMaxInFlight { get; set; } = 131_072;

    /// <summary>Gets or sets how long a job whose client sends heartbeats (a cluster client) may hear none before it takes the client for gone and cancels itself.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many chunks per worker a job keeps sent, so that a worker finds its next chunk waiting.</summary>
    /// <value>The default value is 2.</value>
    public int ChunksPerWorker { get; set; } = 2;
}
