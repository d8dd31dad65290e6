namespace Grid.Tests.Hosting.Deadlocks;

/// <summary>The tests that share one <see cref="DeadlockCluster"/>.</summary>
[CollectionDefinition(Name)]
public sealed class DeadlockClusterCollection : ICollectionFixture<DeadlockCluster>
{
    public const string Name = "Deadlock cluster";
}
