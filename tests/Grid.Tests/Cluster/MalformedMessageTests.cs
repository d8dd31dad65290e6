using Grid.Kernels;
using Grid.Tests.TestKernels;
using RabbitMQ.Client;

namespace Grid.Tests.Cluster;

/// <summary>A malformed or oversized message on a grid queue is dead-lettered with a log line; the silo keeps running and serving jobs.</summary>
[Collection(BrokerCollection.Name)]
public sealed class MalformedMessageTests(BrokerFixture broker)
{
    private const int MaxMessageBytes = 64 * 1024;

    [Theory]
    [InlineData("work", "chunk")]
    [InlineData("jobs", "job.start")]
    public async Task Publish_BadMessagesOnAGridQueue_AreDeadLetteredAndTheSiloKeepsServing(string queueSuffix, string kind)
    {
        await using var cluster = await SiloCluster.StartAsync(broker, 1, options => options with
        {
            Settings = new Dictionary<string, string> { ["Grid__Cluster__MaxMessageBytes"] = MaxMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
        var silo = cluster.Silos[0];
        var queue = $"{cluster.Name}.{queueSuffix}";
        var dead = $"{cluster.Name}.dead";
        (string What, string? Kind, byte[] Body, string Logged)[] bad =
        [
            ("garbage after the version byte", kind, [1, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9], $"Refused a message on {queue} (type {kind})"),
            ("a wrong version byte", kind, [99, 0, 0, 0, 0], "layout version 99"),
            ("no type", null, [1, 2, 3], $"Refused a message on {queue} (type (none)) to the dead-letter queue: it has no type"),
            ("more bytes than the limit", kind, new byte[MaxMessageBytes + 1], $"{MaxMessageBytes + 1} bytes, more than the limit of {MaxMessageBytes}"),
        ];
        await using var connection = await broker.ConnectAsync("grid-tests: malformed messages");
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

        for (var i = 0; i < bad.Length; i++)
        {
            var (what, type, body, logged) = bad[i];
            var mark = silo.LineCount;
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, new BasicProperties { Type = type, ReplyTo = "nowhere" }, body);

            var line = await silo.WaitForLineAsync(logged, TestLimits.Hang, mark);
            Assert.Contains(queue, line, StringComparison.Ordinal);
            var expected = (uint)(i + 1);
            await ClusterWorkload.WaitUntilAsync(
                async () => await broker.MessageCountAsync(dead) == expected,
                async () => $"after {what}, {dead} holds {await broker.MessageCountAsync(dead)} messages, not {expected}\n{silo.Log}");
        }

        Assert.False(silo.HasExited, silo.Log);
        await AssertDeadLetteredAsync(channel, dead, bad.Select(b => b.Body).ToList());
        await using var client = await cluster.ConnectClientAsync();
        var inputs = new[] { 97L, 98L, ClusterWorkload.PrimesFrom(ClusterWorkload.SlowPrimeStart, 1)[0] };
        var results = await client.Map<long, bool>(BuiltInKernels.IsPrime, inputs).ReadAllAsync();
        ClusterWorkload.AssertVerdicts(results, inputs);
    }

    private static async Task AssertDeadLetteredAsync(IChannel channel, string dead, IReadOnlyList<byte[]> bodies)
    {
        foreach (var body in bodies)
        {
            var message = await channel.BasicGetAsync(dead, autoAck: true);
            Assert.NotNull(message);
            Assert.Equal(body, message.Body.ToArray());
        }
    }
}
