namespace Grid.Kernels;

/// <summary>Gives a kernel class the name clients use to run it, and optionally its hard time limit, its isolation and its memory limit.</summary>
/// <param name="name">The kernel name, for example <c>is-prime</c>.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KernelAttribute(string name) : Attribute
{
    /// <summary>Gets the kernel name.</summary>
    public string Name { get; } = KernelNames.Validate(name, nameof(name));

    /// <summary>Gets or sets the hard time limit of one item in seconds: past it the item is abandoned (in process) or its worker process killed (<see cref="KernelIsolation.Process"/>), and the item is timed out.</summary>
    /// <value>The default value is 0: no hard limit of the kernel's own (a job may still set one).</value>
    public double HardTimeoutSeconds { get; set; }

    /// <summary>Gets or sets where the kernel runs.</summary>
    /// <value>The default value is <see cref="KernelIsolation.InProcess"/>.</value>
    public KernelIsolation Isolation { get; set; }

    /// <summary>Gets or sets the most memory, in megabytes, that a worker process running this kernel may use (its resident set); past it the process is killed and the item fails as out of memory. Only with <see cref="KernelIsolation.Process"/>.</summary>
    /// <value>The default value is 0: the silo's <c>Grid:Isolation:MemoryLimitMegabytes</c>.</value>
    public int MemoryLimitMegabytes { get; set; }
}
