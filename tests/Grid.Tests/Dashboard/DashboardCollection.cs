namespace Grid.Tests.Dashboard;

/// <summary>The tests that share <see cref="DashboardClusterFixture"/>; they run one at a time, so one test's gated items never hold another's workers.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardClusterFixture>
{
    public const string Name = "grid silo with the dashboard";
}
