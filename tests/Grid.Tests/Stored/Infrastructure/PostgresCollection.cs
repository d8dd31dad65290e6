namespace Grid.Tests.Stored;

/// <summary>Every test that talks to the test PostgreSQL: they run one at a time, since one of them restarts the server under the others.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    /// <summary>The collection's name, for <c>[Collection(PostgresCollection.Name)]</c>.</summary>
    public const string Name = "Postgres";
}
