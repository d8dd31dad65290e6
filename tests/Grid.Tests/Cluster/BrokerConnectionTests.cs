using Grid.Client;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>A silo or client that cannot use the broker says why: wrong credentials stop it with a clear error, an unreachable broker is retried with back-off.</summary>
[Collection(BrokerCollection.Name)]
public sealed class BrokerConnectionTests(BrokerFixture broker)
{
    private const string Secret = "s3cretpassw0rd";

    [Fact]
    public async Task Silo_WrongPassword_ExitsNonZeroNamingTheCredentialsWithoutAStackTrace()
    {
        var uri = new UriBuilder(broker.ConnectionString) { Password = Secret }.Uri.ToString();
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = "bad-credentials",
            ClusterConnection = uri,
            ClusterName = BrokerFixture.NewClusterName(),
        });

        var exitCode = await silo.WaitForExitAsync(TestLimits.Hang);

        Assert.True(exitCode is not 0 and < 128, $"exit code {exitCode}\n{silo.Log}");
        Assert.Contains(silo.Lines, line => line.Contains("refused the credentials", StringComparison.Ordinal));
        Assert.DoesNotContain(silo.Lines, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal) || line.Contains("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain(silo.Lines, line => line.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectAsync_WrongPassword_ThrowsGridExceptionNamingTheCredentials()
    {
        var uri = new UriBuilder(broker.ConnectionString) { Password = Secret }.Uri.ToString();

        var error = await Assert.ThrowsAsync<GridException>(() => GridClient.ConnectAsync(uri, new ClusterClientOptions { Name = BrokerFixture.NewClusterName() }).WaitAsync(TestLimits.Hang));

        Assert.Contains("refused the credentials", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_UnreachableBroker_RetriesWithBackOffAndStopsCleanlyOnSigterm()
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = "no-broker",
            ClusterConnection = $"amqp://user:{Secret}@127.0.0.1:1/",
            ClusterName = BrokerFixture.NewClusterName(),
        });

        var delays = new List<string>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var line = await silo.WaitForLineAsync($"(attempt {attempt})", TestLimits.Hang);
            Assert.Contains("Cannot reach the broker at amqp://user@127.0.0.1:1/", line, StringComparison.Ordinal);
            delays.Add(line[(line.LastIndexOf("trying again in ", StringComparison.Ordinal) + "trying again in ".Length)..]);
        }

        Assert.False(silo.HasExited, silo.Log);
        var waits = delays.Select(d => TimeSpan.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(waits[0] < waits[1] && waits[1] < waits[2], $"the waits between attempts do not grow: {string.Join(", ", delays)}");
        var exitCode = await silo.TerminateAsync();
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{silo.Log}");
        Assert.DoesNotContain(silo.Lines, line => line.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectAsync_UnreachableBroker_ThrowsGridExceptionNamingTheAddressWithoutThePassword()
    {
        var options = new ClusterClientOptions { Name = BrokerFixture.NewClusterName(), ConnectTimeout = TimeSpan.FromSeconds(1) };

        var error = await Assert.ThrowsAsync<GridException>(() => GridClient.ConnectAsync($"amqp://user:{Secret}@127.0.0.1:1/", options).WaitAsync(TestLimits.Hang));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_InACluster_ListensOnLoopbackOnly()
    {
        await using var cluster = await SiloCluster.StartAsync(broker, 1, options => options with
        {
            Settings = new Dictionary<string, string> { ["Grid__Dashboard__Enabled"] = "true", ["Grid__Dashboard__Urls"] = "http://127.0.0.1:0" },
        });
        var silo = cluster.Silos[0];
        await silo.WaitForLineAsync(SiloProcess.HostStartedLine, TestLimits.Hang);

        var sockets = await ToolRunner.RunAsync("ss", ["-ltnpH"]);

        Assert.Equal(0, sockets.ExitCode);
        var mine = sockets.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.Contains($"pid={silo.Id},", StringComparison.Ordinal))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3])
            .ToList();
        Assert.NotEmpty(mine);
        Assert.All(mine, address => Assert.True(
            address.StartsWith("127.", StringComparison.Ordinal) || address.StartsWith("[::1]:", StringComparison.Ordinal),
            $"the silo listens on {address}; its sockets: {string.Join(", ", mine)}"));
    }
}
