namespace Grid.Tests.TestKernels;

/// <summary>An input of the <see cref="GateKernel"/>: the gate it reports to, the value it returns, and whether it waits at the gate first.</summary>
internal sealed record GateItem(Gate Gate, long Value, bool Blocks = false);
