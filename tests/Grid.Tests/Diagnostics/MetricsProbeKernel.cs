using Grid.Kernels;

namespace Grid.Tests.Diagnostics;

/// <summary>Returns its input and throws for a negative one; registered under names no other test uses, so its measurements on the process-wide meter are its own.</summary>
internal sealed class MetricsProbeKernel : IKernel<long, long>
{
    /// <summary>The name the in-process meter test registers it under.</summary>
    public const string Name = "metrics-probe";

    /// <summary>The name the exporting silo registers it under, whose points only the export test's job makes.</summary>
    public const string ExportedName = "metrics-probe-exported";

    public long Execute(long input, CancellationToken cancellationToken)
        => input >= 0 ? input : throw new ArgumentOutOfRangeException(nameof(input), input, "The probe takes a non-negative number.");
}
