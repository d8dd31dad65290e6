namespace Grid.Tests.Cluster;

/// <summary>Every test that talks to the test broker: they run one at a time, since one of them restarts the broker under the others.</summary>
[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<BrokerFixture>
{
    /// <summary>The collection's name, for <c>[Collection(BrokerCollection.Name)]</c>.</summary>
    public const string Name = "Broker";
}
