namespace Grid.Tests.Cluster;

/// <summary>Every test that talks to the test run's servers, Redis and PostgreSQL: they run one at a time, since some of them restart a server under the others.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>, ICollectionFixture<Stored.PostgresFixture>
{
    /// <summary>The collection's name, for <c>[Collection(RedisCollection.Name)]</c>.</summary>
    public const string Name = "Redis";
}
