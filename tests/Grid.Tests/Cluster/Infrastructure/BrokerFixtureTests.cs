using System.Text;
using Grid.Tests.TestKernels;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Grid.Tests.Cluster;

/// <summary>The test broker is real, reachable only on loopback with the test user's credentials, and really restarts.</summary>
[Collection(BrokerCollection.Name)]
public sealed class BrokerFixtureTests(BrokerFixture broker)
{
    [Fact]
    public async Task ConnectionString_TestUser_ConnectsOnLoopbackAndRoundTripsAMessage()
    {
        var cluster = BrokerFixture.NewClusterName();
        try
        {
            await using var connection = await broker.ConnectAsync();
            await using var channel = await connection.CreateChannelAsync();
            var queue = cluster + ".probe";
            await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync(string.Empty, queue, Encoding.UTF8.GetBytes("hello"));

            var message = await GetOneAsync(channel, queue);

            Assert.Equal("127.0.0.1", connection.Endpoint.HostName);
            Assert.Equal("hello", Encoding.UTF8.GetString(message.Span));
        }
        finally
        {
            await broker.DeleteClusterAsync(cluster);
        }
    }

    [Fact]
    public async Task Connect_WrongPassword_FailsWithAnAuthenticationError()
    {
        var uri = new UriBuilder(broker.ConnectionString) { Password = "not-the-password" }.Uri.ToString();

        var error = await Assert.ThrowsAsync<BrokerUnreachableException>(() => BrokerFixture.CreateFactory(uri).CreateConnectionAsync());

        Assert.IsType<AuthenticationFailureException>(error.InnerException);
        Assert.Contains("ACCESS_REFUSED", error.InnerException.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_GuestUser_IsRefusedTheTestVirtualHostAtItsFirstChannel()
    {
        // No test may lean on RabbitMQ's default account. RabbitMQ.Client 7 hands back a connection even when the broker
        // refuses the virtual host (530 NOT_ALLOWED); the refusal surfaces at the first channel, as
        // AlreadyClosedException or its base OperationInterruptedException depending on timing.
        var uri = new UriBuilder(broker.ConnectionString) { UserName = "guest", Password = "guest" }.Uri.ToString();

        await using var connection = await BrokerFixture.CreateFactory(uri).CreateConnectionAsync();
        var error = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() => connection.CreateChannelAsync());

        Assert.Equal((ushort)530, error.ShutdownReason?.ReplyCode);
        Assert.Contains("access to vhost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broker_Listeners_BindLoopbackOnly()
    {
        // AMQP (5672), epmd (4369) and Erlang distribution (25672): what scripts/rabbitmq.sh binds.
        var sockets = await ToolRunner.RunAsync("ss", ["-ltnH"]);
        Assert.Equal(0, sockets.ExitCode);
        var listening = sockets.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3])
            .Where(address => address.EndsWith(":5672", StringComparison.Ordinal)
                || address.EndsWith(":4369", StringComparison.Ordinal)
                || address.EndsWith(":25672", StringComparison.Ordinal))
            .ToArray();

        Assert.Contains(listening, address => address == "127.0.0.1:5672");
        Assert.All(listening, address => Assert.True(
            address.StartsWith("127.", StringComparison.Ordinal) || address.StartsWith("[::1]:", StringComparison.Ordinal),
            $"the broker listens on {address}; all listeners:\n{sockets.Output}"));
    }

    [Fact]
    public async Task RestartBrokerAsync_OpenConnection_IsDroppedAndTheBrokerComesBackWithDurableMessagesOnly()
    {
        var cluster = BrokerFixture.NewClusterName();
        var durable = cluster + ".durable";
        var transient = cluster + ".transient";
        try
        {
            await using var connection = await broker.ConnectAsync("grid-tests: restart probe");
            var dropped = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.ConnectionShutdownAsync += (_, reason) =>
            {
                dropped.TrySetResult(reason);
                return Task.CompletedTask;
            };
            await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
            {
                await channel.QueueDeclareAsync(durable, durable: true, exclusive: false, autoDelete: false);
                await channel.QueueDeclareAsync(transient, durable: false, exclusive: false, autoDelete: false);
                var persistent = new BasicProperties { Persistent = true };
                await channel.BasicPublishAsync(string.Empty, durable, mandatory: true, persistent, Encoding.UTF8.GetBytes("kept"));
            }

            await broker.RestartBrokerAsync();

            var reason = await dropped.Task.WaitAsync(TestLimits.Hang);
            Assert.Equal(ShutdownInitiator.Peer, reason.Initiator);
            Assert.False(connection.IsOpen);

            await using var again = await broker.ConnectAsync("grid-tests: after restart");
            await using var check = await again.CreateChannelAsync();
            var message = await GetOneAsync(check, durable);
            Assert.Equal("kept", Encoding.UTF8.GetString(message.Span));
            var gone = await Assert.ThrowsAsync<OperationInterruptedException>(() => check.QueueDeclarePassiveAsync(transient));
            Assert.Equal((ushort)404, gone.ShutdownReason?.ReplyCode);
        }
        finally
        {
            await broker.DeleteClusterAsync(cluster);
        }
    }

    [Fact]
    public async Task DeleteClusterAsync_TwoClusters_DeletesOnlyTheNamedClustersQueuesAndExchanges()
    {
        var doomed = BrokerFixture.NewClusterName();
        var kept = BrokerFixture.NewClusterName();
        try
        {
            await using var connection = await broker.ConnectAsync();
            await using (var channel = await connection.CreateChannelAsync())
            {
                foreach (var cluster in new[] { doomed, kept })
                {
                    await channel.QueueDeclareAsync(cluster + ".work", durable: true, exclusive: false, autoDelete: false);
                    await channel.ExchangeDeclareAsync(cluster + ".results", ExchangeType.Topic, durable: true, autoDelete: false);
                }
            }

            var deleted = await broker.DeleteClusterAsync(doomed);

            Assert.Equal(2, deleted);
            Assert.Empty(await broker.ListQueuesAsync(doomed));
            Assert.Empty(await broker.ListExchangesAsync(doomed));
            Assert.Equal([kept + ".work"], await broker.ListQueuesAsync(kept));
            Assert.Equal([kept + ".results"], await broker.ListExchangesAsync(kept));
        }
        finally
        {
            await broker.DeleteClusterAsync(doomed);
            await broker.DeleteClusterAsync(kept);
        }
    }

    [Fact]
    public void NewClusterName_TwoCalls_DifferAndNeitherPrefixesTheOther()
    {
        var first = BrokerFixture.NewClusterName();
        var second = BrokerFixture.NewClusterName();

        Assert.Matches("^t-[0-9a-f]{8}$", first);
        Assert.False(second.StartsWith(first, StringComparison.Ordinal) || first.StartsWith(second, StringComparison.Ordinal));
    }

    private static async Task<ReadOnlyMemory<byte>> GetOneAsync(IChannel channel, string queue)
    {
        var received = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            received.TrySetResult(delivery.Body.ToArray());
            return Task.CompletedTask;
        };
        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        var body = await received.Task.WaitAsync(TestLimits.Hang);
        await channel.BasicCancelAsync(tag);
        return body;
    }
}
