using Grid.Kernels;

namespace Grid.Tests.Diagnostics;

/// <summary>Returns its input and throws for a negative one; registered under a name no other test uses, so its measurements on the process-wide meter are its own.</summary>
internal sealed class MetricsProbeKernel : IKernel<long, long>
{
    public const string Name = "metrics-probe";

    public long Execute(long input, CancellationToken cancellationToken)
        => input >= 0 ? input : throw new ArgumentOutOfRangeException(nameof(input), input, "The probe takes a non-negative number.");
}
