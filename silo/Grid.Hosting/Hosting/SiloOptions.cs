using System.ComponentModel.DataAnnotations;

namespace Grid.Hosting;

/// <summary>Settings of one silo, bound from the <c>Grid:Silo</c> configuration section.</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Grid:Silo";

    /// <summary>Gets or sets the silo's name, shown in results and logs.</summary>
    /// <value>The default value is the machine name followed by the process id.</value>
    [Required]
    public string Name { get; set; } = $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";

    /// <summary>Gets or sets how many kernel threads the silo's worker pool has: the most kernels running at once on this silo.</summary>
    /// <value>The default value is the number of cores.</value>
    [Range(1, 4096)]
    public int MaxLocalWorkers { get; set; } = Environment.ProcessorCount;

    /// <summary>Gets or sets how long a grain activation stays idle before Orleans deactivates it (its <c>GrainCollectionOptions.CollectionAge</c>).</summary>
    /// <value>The default value is 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets how often Orleans looks for idle activations (its <c>GrainCollectionOptions.CollectionQuantum</c>).</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromSeconds(15);

}
