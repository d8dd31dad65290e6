using Grid.Cluster;
using Grid.Cluster.Silo;
using Grid.Cluster.Transport;

namespace Grid.Tests.Cluster.Units;

/// <summary>Cluster settings out of range are refused naming the setting, addresses are shown without their password, and the credit window bounds what is unconsumed.</summary>
public sealed class ClusterSettingsTests
{
    [Theory]
    [InlineData("not a uri", "Grid:Cluster:Connection must be an AMQP URI")]
    [InlineData("http://host/", "Grid:Cluster:Connection must use the scheme amqp or amqps")]
    public void BadConnection_IsNamed(string connection, string expected)
    {
        var failures = ClusterOptionsValidator.Check(new ClusterOptions { Connection = connection });

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void BadName_AndTimings_AreNamedWithTheirAllowedValues()
    {
        var failures = ClusterOptionsValidator.Check(new ClusterOptions
        {
            Name = "Has Spaces",
            HeartbeatInterval = TimeSpan.FromSeconds(2),
            MemberTimeout = TimeSpan.FromSeconds(3),
            MaxMessageBytes = 10,
            MaxJobsPerSilo = 0,
        }).ToList();

        Assert.Contains(failures, f => f.StartsWith("Grid:Cluster:Name must be", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Grid:Cluster:MemberTimeout must be at least twice", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Grid:Cluster:MaxMessageBytes must be between 4096", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Grid:Cluster:MaxJobsPerSilo must be between 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_AreValid() => Assert.Empty(ClusterOptionsValidator.Check(new ClusterOptions { Connection = "amqp://u:p@127.0.0.1:5672/" }));

    [Fact]
    public void Redact_LeavesOutThePassword()
    {
        var shown = Broker.Redact("amqp://grid:s3cret@broker.example:5672/prod");

        Assert.DoesNotContain("s3cret", shown, StringComparison.Ordinal);
        Assert.Contains("grid@broker.example:5672/prod", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreditWindow_WaitsUntilTheClientConsumes()
    {
        var window = new CreditWindow(10);
        await window.TakeAsync(8, CancellationToken.None);

        var blocked = window.TakeAsync(5, CancellationToken.None);
        Assert.False(blocked.IsCompleted);

        window.Release(8);
        await blocked.WaitAsync(TestKernels.TestLimits.Hang);
    }

    [Fact]
    public async Task CreditWindow_LetsALargeChunkThroughWhenNothingIsOutstanding()
    {
        var window = new CreditWindow(10);

        await window.TakeAsync(50, CancellationToken.None).WaitAsync(TestKernels.TestLimits.Hang);
    }
}
