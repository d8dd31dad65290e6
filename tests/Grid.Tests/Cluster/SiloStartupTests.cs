using Grid.Client;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cluster;

/// <summary>The silo program and the client as operators meet them at start: a bad cluster setting, a wrong password, an unreachable Redis and Redis over TLS.</summary>
[Trait("Category", "Cluster")]
[Collection(RedisCollection.Name)]
public sealed class SiloStartupTests(RedisFixture redis)
{
    [Theory]
    [InlineData("Grid__Cluster__SiloPort", "0", "Grid:Cluster:SiloPort")]
    [InlineData("Grid__Cluster__AdvertisedAddress", "not-an-address", "Grid:Cluster:AdvertisedAddress")]
    [InlineData("Grid__Cluster__ProbeTimeout", "00:00:00.001", "Grid:Cluster:ProbeTimeout")]
    [InlineData("Grid__Cluster__MaxMessageBytes", "1000", "Grid:Cluster:MaxMessageBytes")]
    public async Task Start_BadClusterSetting_ExitsTwoWithOneLineNamingIt(string variable, string value, string setting)
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = "bad-setting",
            ClusterConnection = redis.ConnectionString,
            ClusterName = RedisFixture.NewClusterName(),
            Settings = new Dictionary<string, string> { [variable] = value },
        });

        Assert.Equal(2, await silo.WaitForExitAsync(TestLimits.Hang));
        var errors = silo.Lines.Where(l => l.StartsWith("[err] ", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(errors);
        Assert.StartsWith($"[err] grid-silo: {setting}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WrongRedisPassword_ExitsOneSayingThePasswordWasRefused()
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = "wrong-password",
            ClusterConnection = WithPassword(redis.ConnectionString, "not-the-password"),
            ClusterName = RedisFixture.NewClusterName(),
        });

        Assert.Equal(1, await silo.WaitForExitAsync(TestLimits.Hang));
        var line = Assert.Single(silo.Lines, l => l.StartsWith("[err] grid-silo: ", StringComparison.Ordinal));
        Assert.Contains("refused the password", line, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", silo.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnreachableRedis_ExitsOneSayingItDidNotAnswer()
    {
        var closed = SiloProcess.FreeLoopbackPorts(1)[0];
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = "no-redis",
            ClusterConnection = $"127.0.0.1:{closed},password=x,connectTimeout=1000",
            ClusterName = RedisFixture.NewClusterName(),
        });

        Assert.Equal(1, await silo.WaitForExitAsync(TestLimits.Hang));
        var line = Assert.Single(silo.Lines, l => l.StartsWith("[err] grid-silo: ", StringComparison.Ordinal));
        Assert.Contains($"127.0.0.1:{closed}", line, StringComparison.Ordinal);
        Assert.Contains("did not answer", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_WrongRedisPassword_ThrowsOneClearError()
    {
        var error = await Assert.ThrowsAsync<GridException>(() => GridClient.ConnectAsync(
            WithPassword(redis.ConnectionString, "not-the-password"), new ClusterClientOptions { Name = RedisFixture.NewClusterName() }));

        Assert.Contains("refused the password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_ClusterOverRedisTls_RunsTheJob()
    {
        var name = RedisFixture.NewClusterName();
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions
        {
            Name = $"{name}-tls",
            ClusterConnection = redis.TlsConnectionString,
            ClusterTlsCaFile = redis.CaFile,
            ClusterName = name,
        });
        await silo.WaitForLineAsync(SiloProcess.JoinedClusterLine, TestLimits.Hang);
        await using var client = await GridClient.ConnectAsync(redis.TlsConnectionString, new ClusterClientOptions { Name = name, TlsCaFile = redis.CaFile });

        var results = await client.Map<long, bool>("is-prime", [2, 3, 4, 97]).ReadAllAsync();

        Assert.Equal([true, true, false, true], results.OrderBy(r => r.Index).Select(r => r.Value));
    }

    private static string WithPassword(string connection, string password)
        => string.Join(',', connection.Split(',').Select(part => part.StartsWith("password=", StringComparison.OrdinalIgnoreCase) ? $"password={password}" : part));
}
