namespace Grid.Tests.TestKernels;

/// <summary>The tests that share <see cref="GridClusterFixture"/>; they run one at a time, so gated items of one test never hold the workers of another.</summary>
[CollectionDefinition(Name)]
public sealed class GridClusterCollection : ICollectionFixture<GridClusterFixture>
{
    public const string Name = "grid cluster with test kernels";
}
