using System.Net;
using StackExchange.Redis;

namespace Grid.Tests.Cluster;

/// <summary>The test Redis is real, listens on loopback only, takes its password and nothing else, really restarts, and loses only the named cluster's keys to clean-up.</summary>
[Collection(RedisCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class RedisFixtureTests(RedisFixture redis)
{
    [Fact]
    public async Task ConnectionString_Password_ConnectsOnLoopbackAndRoundTripsAKey()
    {
        var cluster = RedisFixture.NewClusterName();
        try
        {
            await using var connection = await redis.ConnectAsync();
            var database = connection.GetDatabase();

            await database.StringSetAsync(cluster + ":probe", "hello");

            var endpoint = Assert.IsType<IPEndPoint>(Assert.Single(connection.GetEndPoints()));
            Assert.Equal(IPAddress.Loopback, endpoint.Address);
            Assert.Equal("hello", (string?)await database.StringGetAsync(cluster + ":probe"));
        }
        finally
        {
            await redis.DeleteClusterAsync(cluster);
        }
    }

    [Fact]
    public async Task TlsConnectionString_TrustingTheTestCa_ConnectsOverTls()
    {
        await using var connection = await redis.ConnectAsync(redis.TlsConnectionString);

        var latency = await connection.GetDatabase().PingAsync();

        Assert.True(redis.Options(redis.TlsConnectionString).Ssl);
        Assert.True(latency < TimeSpan.FromSeconds(5), $"PING over TLS took {latency}");
    }

    [Fact]
    public async Task TlsConnectionString_WithoutTheTestCa_IsRefusedTheServersCertificate()
    {
        // No system store trusts the test CA: trusting what CaFile names is what makes the TLS port usable.
        var untrusting = ConfigurationOptions.Parse(redis.TlsConnectionString);
        untrusting.AbortOnConnectFail = true;
        untrusting.ConnectRetry = 1;
        untrusting.ConnectTimeout = 5000;

        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(untrusting));
    }

    [Theory]
    [InlineData("not-the-password")]
    [InlineData(null)]
    public async Task Connect_WrongOrNoPassword_IsRefused(string? password)
    {
        var options = redis.Options(redis.ConnectionString);
        options.Password = password;

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(options));

        Assert.Equal(ConnectionFailureType.AuthenticationFailure, error.FailureType);
    }

    [Fact]
    public async Task Server_Listeners_BindLoopbackOnly()
    {
        var ports = new[] { redis.ConnectionString, redis.TlsConnectionString }
            .Select(connection => Assert.IsType<IPEndPoint>(Assert.Single(redis.Options(connection).EndPoints)).Port)
            .ToArray();
        var sockets = await ToolRunner.RunAsync("ss", ["-ltnH"]);
        Assert.Equal(0, sockets.ExitCode);
        var listening = sockets.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3])
            .Where(address => ports.Any(port => address.EndsWith(":" + port, StringComparison.Ordinal)))
            .ToArray();

        Assert.All(ports, port => Assert.Contains("127.0.0.1:" + port, listening));
        Assert.True(listening.Length == ports.Length, $"the test Redis listens on {string.Join(", ", listening)}; all listeners:\n{sockets.Output}");
    }

    [Fact]
    public async Task RestartAsync_OpenConnection_IsDroppedAndTheServerComesBackAnsweringWithNoKeys()
    {
        var cluster = RedisFixture.NewClusterName();
        try
        {
            await using var connection = await redis.ConnectAsync();
            var dropped = new TaskCompletionSource<ConnectionFailedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.ConnectionFailed += (_, failure) => dropped.TrySetResult(failure);
            await connection.GetDatabase().StringSetAsync(cluster + ":before", "kept?");

            await redis.RestartAsync();

            await dropped.Task.WaitAsync(TestKernels.TestLimits.Hang);
            await using var again = await redis.ConnectAsync();
            var database = again.GetDatabase();
            await database.PingAsync();
            Assert.False(await database.KeyExistsAsync(cluster + ":before"), "a key outlived the restart: the server persists its data");
        }
        finally
        {
            await redis.DeleteClusterAsync(cluster);
        }
    }

    [Fact]
    public async Task DeleteClusterAsync_TwoClusters_DeletesOnlyTheNamedClustersKeysInEveryDatabase()
    {
        var doomed = RedisFixture.NewClusterName();
        var kept = RedisFixture.NewClusterName();
        try
        {
            await using var connection = await redis.ConnectAsync();
            foreach (var cluster in new[] { doomed, kept })
            {
                // As Orleans' membership table names its key, and other keys that hold the name anywhere, in two databases.
                await connection.GetDatabase(0).HashSetAsync($"{cluster}/members/{cluster}", "version", "1");
                await connection.GetDatabase(0).StringSetAsync($"grid:{cluster}:x", "1");
                await connection.GetDatabase(1).StringSetAsync($"{cluster}", "1");
            }

            var deleted = await redis.DeleteClusterAsync(doomed);

            Assert.Equal(3, deleted);
            Assert.False(await connection.GetDatabase(0).KeyExistsAsync($"{doomed}/members/{doomed}"));
            Assert.False(await connection.GetDatabase(0).KeyExistsAsync($"grid:{doomed}:x"));
            Assert.False(await connection.GetDatabase(1).KeyExistsAsync(doomed));
            Assert.True(await connection.GetDatabase(0).KeyExistsAsync($"{kept}/members/{kept}"));
            Assert.True(await connection.GetDatabase(0).KeyExistsAsync($"grid:{kept}:x"));
            Assert.True(await connection.GetDatabase(1).KeyExistsAsync(kept));
            Assert.Equal(0, await redis.DeleteClusterAsync(doomed));
        }
        finally
        {
            await redis.DeleteClusterAsync(doomed);
            await redis.DeleteClusterAsync(kept);
        }
    }

    [Fact]
    public void NewClusterName_TwoCalls_DifferAndHaveOneLength()
    {
        // Names of one length that differ never hold each other, so the *name* pattern of DeleteClusterAsync matches one cluster only.
        var first = RedisFixture.NewClusterName();
        var second = RedisFixture.NewClusterName();

        Assert.Matches("^t[0-9a-f]{10}$", first);
        Assert.Matches("^t[0-9a-f]{10}$", second);
        Assert.NotEqual(first, second);
    }
}
