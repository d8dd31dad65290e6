namespace Grid.Tests.Cluster;

/// <summary>Every test that talks to the test Redis: they run one at a time, since one of them restarts the server under the others.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    /// <summary>The collection's name, for <c>[Collection(RedisCollection.Name)]</c>.</summary>
    public const string Name = "Redis";
}
