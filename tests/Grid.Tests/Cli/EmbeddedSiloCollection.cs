namespace Grid.Tests.Cli;

/// <summary>The CLI tests that start an embedded silo run one at a time, so that CPU-bound jobs do not compete with each other.</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddedSiloCollection
{
    public const string Name = "grid CLI on an embedded silo";
}
