namespace Grid.Kernels.Isolation;

/// <summary>How the silo runs kernels marked <see cref="KernelIsolation.Process"/> in worker processes, bound from the <c>Grid:Isolation</c> configuration section.</summary>
public sealed class IsolationOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Grid:Isolation";

    /// <summary>The file name of the worker program, looked for beside the application when <see cref="HostPath"/> is not set.</summary>
    public const string HostFileName = "grid-kernel-host.dll";

    /// <summary>Gets or sets the memory limit of a worker process in megabytes (its resident set), for kernels that do not set their own; 0 for none.</summary>
    /// <value>The default value is 0: no limit.</value>
    public int MemoryLimitMegabytes { get; set; }

    /// <summary>Gets or sets how often the resident set of a worker process running an item is read.</summary>
    /// <value>The default value is 50 milliseconds.</value>
    public TimeSpan MemoryCheckInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Gets or sets the largest frame between the silo and a worker process (a chunk of items, or one item's value); a larger item is that item's error, a larger reply a malformed one.</summary>
    /// <value>The default value is 64 MiB.</value>
    public int MaxFrameBytes { get; set; } = 64 << 20;

    /// <summary>Gets or sets how long a new worker process may take to load its kernels and say it is ready.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long a kernel may go on after its job is cancelled (the kernel's token is signalled) before its worker process is killed and replaced, freeing the worker.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the worker program: a <c>.dll</c> run with <c>dotnet</c>, or an executable.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="HostFileName"/> beside the application or beside Grid's assemblies.</value>
    public string? HostPath { get; set; }
}
