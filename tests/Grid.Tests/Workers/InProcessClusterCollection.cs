namespace Grid.Tests.Workers;

/// <summary>The test classes that start <see cref="InProcessGridCluster"/>s: they run one at a time.</summary>
/// <remarks>
/// <see cref="SpreadKernel"/>'s round is one per process, so a test starting a new round while another runs would release and
/// count that test's items. Apart from that, a dashboard test's job sometimes did not finish while other in-process clusters ran
/// beside it (the cause was not pinned down; their membership declares a silo dead after two missed one-second probes).
/// </remarks>
[CollectionDefinition(Name)]
public sealed class InProcessClusterCollection
{
    public const string Name = "in-process Grid clusters";
}
