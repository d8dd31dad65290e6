using System.Globalization;

namespace Grid.Kernels;

/// <summary>How the silo confines one kernel: its hard time limit, where it runs, and the memory its worker process may use; from its <see cref="KernelAttribute"/> or given to <c>AddKernel</c>.</summary>
public sealed class KernelOptions
{
    /// <summary>The longest hard time limit accepted (a day), so that a limit always fits a timer.</summary>
    public static readonly TimeSpan MaxHardTimeout = TimeSpan.FromDays(1);

    /// <summary>The smallest memory limit accepted: below it a .NET worker process could not even start its runtime.</summary>
    public const int MinMemoryLimitMegabytes = 64;

    /// <summary>The largest memory limit accepted (1 TiB).</summary>
    public const int MaxMemoryLimitMegabytes = 1 << 20;

    /// <summary>Gets or sets the hard time limit of one item: past it a kernel still running is abandoned (in process) or its worker process killed (<see cref="KernelIsolation.Process"/>), and the item is timed out. A job's <c>HardItemTimeout</c> may shorten it.</summary>
    /// <value>The default value is <see langword="null"/>: no hard limit of the kernel's own.</value>
    public TimeSpan? HardTimeout { get; set; }

    /// <summary>Gets or sets where the kernel runs; with <see cref="KernelIsolation.Process"/> the kernel must be a public class with a public parameterless constructor (or one taking a <see cref="TimeProvider"/>), registered by type, and its item types must travel as JSON.</summary>
    /// <value>The default value is <see cref="KernelIsolation.InProcess"/>.</value>
    public KernelIsolation Isolation { get; set; }

    /// <summary>Gets or sets the most memory, in megabytes, a worker process running this kernel may use (its resident set); only with <see cref="KernelIsolation.Process"/>.</summary>
    /// <value>The default value is <see langword="null"/>: the silo's <c>Grid:Isolation:MemoryLimitMegabytes</c>.</value>
    public int? MemoryLimitMegabytes { get; set; }

    /// <summary>Makes the options a <see cref="KernelAttribute"/> gives, or the defaults when <paramref name="attribute"/> is <see langword="null"/>.</summary>
    public static KernelOptions From(KernelAttribute? attribute) => new()
    {
        // NaN and infinities are kept as they are so that Validate names them; only the default 0 means "none".
        HardTimeout = attribute is null || attribute.HardTimeoutSeconds == 0 ? null
            : double.IsFinite(attribute.HardTimeoutSeconds) && Math.Abs(attribute.HardTimeoutSeconds) <= MaxHardTimeout.TotalSeconds
                ? TimeSpan.FromSeconds(attribute.HardTimeoutSeconds)
                : TimeSpan.MaxValue,
        Isolation = attribute?.Isolation ?? KernelIsolation.InProcess,
        MemoryLimitMegabytes = attribute is null || attribute.MemoryLimitMegabytes == 0 ? null : attribute.MemoryLimitMegabytes,
    };

    /// <summary>Returns a copy, so that a registration keeps the values it was given.</summary>
    public KernelOptions Clone() => (KernelOptions)MemberwiseClone();

    /// <summary>Throws an <see cref="ArgumentException"/> naming the kernel and the first setting out of range.</summary>
    public void Validate(string kernel)
    {
        if (HardTimeout is { } hard && (hard <= TimeSpan.Zero || hard > MaxHardTimeout))
        {
            throw new ArgumentException(
                $"Kernel '{kernel}': {nameof(HardTimeout)} (HardTimeoutSeconds) must be a positive time span of at most {MaxHardTimeout.TotalDays.ToString(CultureInfo.InvariantCulture)} day, or none; got {(hard == TimeSpan.MaxValue ? "a value that is not a number of seconds in range" : hard.ToString())}.");
        }

        if (!Enum.IsDefined(Isolation))
        {
            throw new ArgumentException($"Kernel '{kernel}': {nameof(Isolation)} must be InProcess or Process; got {(int)Isolation}.");
        }

        if (MemoryLimitMegabytes is { } memory)
        {
            if (memory is < MinMemoryLimitMegabytes or > MaxMemoryLimitMegabytes)
            {
                throw new ArgumentException($"Kernel '{kernel}': {nameof(MemoryLimitMegabytes)} must be between {MinMemoryLimitMegabytes} and {MaxMemoryLimitMegabytes}, or none; got {memory}.");
            }

            if (Isolation != KernelIsolation.Process)
            {
                throw new ArgumentException($"Kernel '{kernel}': {nameof(MemoryLimitMegabytes)} applies only with Isolation = Process (a silo cannot limit the memory of one thread); got {memory} with Isolation = {Isolation}.");
            }
        }
    }
}
