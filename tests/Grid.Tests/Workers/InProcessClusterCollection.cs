namespace Grid.Tests.Workers;

/// <summary>The test classes that start <see cref="InProcessGridCluster"/>s: they run one at a time.</summary>
/// <remarks>
/// <see cref="SpreadKernel"/>'s round is one per process, so a test starting a new round while another runs would release and
/// count that test's items. And the clusters' membership declares a silo dead after two missed one-second probes, which several
/// clusters busy at once in one test process on a 2-core machine can bring about.
/// </remarks>
[CollectionDefinition(Name)]
public sealed class InProcessClusterCollection
{
    public const string Name = "in-process Grid clusters";
}
