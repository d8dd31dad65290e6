using Grid.Tests.Cli;

namespace Grid.Tests.Cluster;

/// <summary>The grid command runs on a cluster with <c>--cluster</c> and <c>--cluster-name</c>, and refuses a bad address or <c>--workers</c> beside it.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ClusterCliTests(RedisFixture broker, SharedSiloCluster shared) : IClassFixture<SharedSiloCluster>
{
    [Fact]
    public async Task Status_WithCluster_ListsEverySiloWithItsWorkers()
    {
        var cluster = await shared.GetAsync(broker);

        var result = await CliRunner.RunAsync("status", "--cluster", cluster.ConnectionString, "--cluster-name", cluster.Name);

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var silo in cluster.Silos)
        {
            var row = Assert.Single(rows, line => line.StartsWith(silo.Name + " ", StringComparison.Ordinal));
            Assert.Contains("Active", row, StringComparison.Ordinal);
            Assert.Contains($":{silo.Id} ", row, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Status_JsonWithCluster_WritesOneObjectPerSilo()
    {
        var cluster = await shared.GetAsync(broker);

        var result = await CliRunner.RunAsync("status", "--json", "--cluster", cluster.ConnectionString, "--cluster-name", cluster.Name);

        Assert.True(result.ExitCode == 0, result.ToString());
        var silos = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
            .ToList();
        Assert.Equal(cluster.Silos.Select(s => s.Name).Order(StringComparer.Ordinal), silos.Select(s => s.GetProperty("name").GetString()));
        Assert.All(silos, s => Assert.Equal(2, s.GetProperty("workerSlots").GetInt32()));
    }

    [Fact]
    public async Task Primes_WithCluster_PrintsEachVerdictFromTheCluster()
    {
        var cluster = await shared.GetAsync(broker);
        var prime = ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, 1)[0];

        var result = await CliRunner.RunAsync("primes", "--cluster", cluster.ConnectionString, "--cluster-name", cluster.Name, "97", "98", prime.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("97 is prime", result.Out, StringComparison.Ordinal);
        Assert.Contains("98 is not prime", result.Out, StringComparison.Ordinal);
        Assert.Contains($"{prime} is prime", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amqp://grid:secret@127.0.0.1:5672/grid")]
    [InlineData("http://127.0.0.1:6379/")]
    [InlineData(",,,")]
    public async Task AnyCommand_ClusterNotARedisConnectionString_ExitsTwoWithOneGridLine(string address)
    {
        var result = await CliRunner.RunAsync("status", "--cluster", address);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("grid: ", line, StringComparison.Ordinal);
        Assert.Contains("--cluster", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Primes_WorkersWithCluster_ExitsTwoNamingWorkers()
    {
        var result = await CliRunner.RunAsync("primes", "--workers", "2", "--cluster", broker.ConnectionString, "97");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("grid: ", line, StringComparison.Ordinal);
        Assert.Contains("--workers", line, StringComparison.Ordinal);
    }
}
