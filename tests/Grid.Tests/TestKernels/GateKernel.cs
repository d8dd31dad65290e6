using Grid.Kernels;

namespace Grid.Tests.TestKernels;

/// <summary>Returns each item's value; items marked to block first wait on their <see cref="Gate"/>, honouring their token.</summary>
internal sealed class GateKernel : IKernel<GateItem, long>
{
    public const string Name = "gate";

    public long Execute(GateItem input, CancellationToken cancellationToken) => input.Gate.Pass(input, cancellationToken);
}
