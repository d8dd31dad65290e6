using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Grid.Cluster.Wire;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Grid.Cluster.Transport;

/// <summary>One member's connection to the broker: connects with back-off, reconnects when the connection drops, publishes messages and runs consumers.</summary>
/// <remarks>
/// Every (re)connection is a new <em>epoch</em>: <see cref="Connected"/> runs for it to declare the topology and start consumers, and
/// <see cref="Lost"/> runs when it ends, so that the member can drop what depended on it (unacknowledged messages return to their queues).
/// </remarks>
internal sealed partial class Broker : IAsyncDisposable
{
    public const string TraceParentHeader = "traceparent";

    private readonly ClusterOptions _options;
    private readonly string _clientName;
    private readonly string? _tlsServerName;
    private readonly X509Certificate2Collection? _trustedCas;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _reconnect = new(1, 1);
    private readonly object _gate = new();
    private TaskCompletionSource<Session> _session = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Session? _current;
    private int _epoch;
    private int _disposed;

    public Broker(ClusterOptions options, string clientName, ILogger logger)
    {
        _options = options;
        _clientName = clientName;
        _logger = logger;
        Address = Redact(options.Connection ?? throw new GridException($"{ClusterOptions.SectionName}:{nameof(ClusterOptions.Connection)} is not set."));
        Topology = new Topology(options.Name);
        if (Uri.TryCreate(options.Connection, UriKind.Absolute, out var uri) && uri.Scheme == "amqps")
        {
            _tlsServerName = options.ServerName ?? uri.IdnHost;
            if (options.CaFile is { } caFile)
            {
                _trustedCas = ReadTrustedCas(caFile);
            }
        }
    }

    /// <summary>Runs on each new connection, before anything is published on it: declare queues and start consumers here.</summary>
    public Func<Session, CancellationToken, Task>? Connected { get; set; }

    /// <summary>Runs when a connection ends without this member closing it.</summary>
    public Func<int, string, Task>? Lost { get; set; }

    /// <summary>Gets the broker's address with the password left out, for messages and logs.</summary>
    public string Address { get; }

    public Topology Topology { get; }

    public int MaxMessageBytes => _options.MaxMessageBytes;

    public bool IsConnected => Volatile.Read(ref _current) is { } session && session.Connection.IsOpen;

    /// <summary>Connects, trying again with back-off while the broker cannot be reached, until <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="GridException">The broker refused the credentials, or its TLS certificate is not trusted or not for its name; trying again would not help.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await ConnectLoopAsync(firstAttempt: true, linked.Token).ConfigureAwait(false);
    }

    /// <summary>Publishes a message and waits for the broker to confirm it; waits for a connection when there is none.</summary>
    public async Task PublishAsync(string exchange, string routingKey, IWireMessage message, PublishProperties properties = default, CancellationToken cancellationToken = default)
    {
        var body = WireMessage.Encode(message, _options.MaxMessageBytes);
        var session = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var props = new BasicProperties
        {
            Type = message.Kind,
            ReplyTo = properties.ReplyTo,
            CorrelationId = properties.CorrelationId,
            DeliveryMode = properties.Persistent ? DeliveryModes.Persistent : DeliveryModes.Transient,
        };
        if (properties.Parent is { } parent && parent != default)
        {
            var flags = (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
            props.Headers = new Dictionary<string, object?> { [TraceParentHeader] = Encoding.ASCII.GetBytes($"00-{parent.TraceId}-{parent.SpanId}-{flags}") };
        }

        try
        {
            await session.Publisher.BasicPublishAsync(exchange, routingKey, mandatory: false, props, body, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException or PublishException)
        {
            throw new BrokerUnavailableException($"Publishing a '{message.Kind}' message to {Address} failed: {exception.Message}", exception);
        }
    }

    /// <summary>Starts a consumer of <paramref name="queue"/> on its own channel, taking at most <paramref name="prefetch"/> unacknowledged messages at once.</summary>
    /// <remarks>Messages larger than the limit or without a kind are refused to the dead-letter queue before <paramref name="handler"/> sees them.</remarks>
    public async Task<Consumer> ConsumeAsync(Session session, string queue, ushort prefetch, Func<Delivery, Task> handler, CancellationToken cancellationToken)
    {
        var channel = await session.Connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.BasicQosAsync(0, prefetch, global: false, cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, args) =>
        {
            var kind = args.BasicProperties.Type;
            if (args.Body.Length > _options.MaxMessageBytes || string.IsNullOrEmpty(kind))
            {
                LogRefused(_logger, queue, kind ?? "(none)", args.Body.Length > _options.MaxMessageBytes
                    ? $"{args.Body.Length} bytes, more than the limit of {_options.MaxMessageBytes}"
                    : "it has no type");
                await RejectQuietlyAsync(channel, args.DeliveryTag).ConfigureAwait(false);
                return;
            }

            var delivery = new Delivery(channel, args.DeliveryTag, session.Epoch, queue, kind, args.Body.ToArray(), args.BasicProperties, args.Redelivered);
            try
            {
                await handler(delivery).ConfigureAwait(false);
            }
            catch (WireFormatException exception)
            {
                LogRefused(_logger, queue, kind, exception.Message);
                await delivery.RejectAsync(requeue: false).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogHandlerFailed(_logger, exception, queue, kind);
                await delivery.RejectAsync(requeue: false).ConfigureAwait(false);
            }
        };
        var tag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
        return new Consumer(channel, tag);
    }

    /// <summary>Closes the connection; nothing reconnects afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        var session = Interlocked.Exchange(ref _current, null);
        if (session is not null)
        {
            try
            {
                await session.Connection.CloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Closing a connection that is already broken leaves nothing to do.
            }

            session.Connection.Dispose();
        }

        _session.TrySetException(new ObjectDisposedException(nameof(Broker)));
        _stopping.Dispose();
    }

    /// <summary>Says where the broker is without the password: <c>amqp://user@host:port/vhost</c>.</summary>
    public static string Redact(string connection)
    {
        if (!Uri.TryCreate(connection, UriKind.Absolute, out var uri))
        {
            return "(not a URI)";
        }

        var user = uri.UserInfo.Split(':', 2)[0];
        var builder = new UriBuilder(uri) { Password = string.Empty, UserName = Uri.UnescapeDataString(user) };
        return builder.Uri.GetLeftPart(UriPartial.Path);
    }

    private async Task<Session> CurrentAsync(CancellationToken cancellationToken)
    {
        var session = Volatile.Read(ref _current);
        if (session is not null && session.Connection.IsOpen)
        {
            return session;
        }

        Task<Session> next;
        lock (_gate)
        {
            next = _session.Task;
        }

        return await next.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ConnectLoopAsync(bool firstAttempt, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var certificates = _tlsServerName is null ? null : new BrokerCertificateCheck(_tlsServerName, _trustedCas, _options.CaFile);
            try
            {
                await OpenAsync(certificates, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (certificates?.Failure is { } refused)
            {
                // A certificate that is not trusted or not for this name stays so however often the handshake is tried.
                var failure = new GridException($"The broker at {Address} {refused}.", exception);
                if (firstAttempt)
                {
                    throw failure;
                }

                LogConnectFailed(_logger, Address, attempt, failure.Message, delay);
            }
            catch (Exception exception) when (IsAuthenticationFailure(exception))
            {
                var failure = new GridException($"The broker at {Address} refused the credentials: check the user name, password and virtual host in {ClusterOptions.SectionName}:{nameof(ClusterOptions.Connection)}.", exception);
                if (firstAttempt)
                {
                    throw failure;
                }

                LogConnectFailed(_logger, Address, attempt, failure.Message, delay);
            }
            catch (Exception exception) when (exception is BrokerUnreachableException or ConnectFailureException or System.Net.Sockets.SocketException or IOException or OperationInterruptedException or TimeoutException)
            {
                LogConnectFailed(_logger, Address, attempt, Describe(exception), delay);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectDelayMax.Ticks));
        }
    }

    private async Task OpenAsync(BrokerCertificateCheck? certificates, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(_options.Connection!),
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            ClientProvidedName = _clientName,
            RequestedHeartbeat = TimeSpan.FromSeconds(10),
        };
        if (certificates is not null)
        {
            // An amqps URI makes the client accept a certificate for another name; Grid accepts no failed check at all.
            factory.Ssl.ServerName = certificates.ServerName;
            factory.Ssl.AcceptablePolicyErrors = SslPolicyErrors.None;
            factory.Ssl.CertificateValidationCallback = certificates.Validate;
        }

        var connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var publisher = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken).ConfigureAwait(false);
            var session = new Session(Interlocked.Increment(ref _epoch), connection, publisher);
            await DeclareAsync(publisher, cancellationToken).ConfigureAwait(false);
            connection.ConnectionShutdownAsync += (_, args) => OnShutdownAsync(session, args);
            if (Connected is { } connected)
            {
                await connected(session, cancellationToken).ConfigureAwait(false);
            }

            Volatile.Write(ref _current, session);
            lock (_gate)
            {
                _session.TrySetResult(session);
            }

            LogConnected(_logger, Address, session.Epoch);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        var topology = Topology;
        await channel.QueueDeclareAsync(topology.DeadQueue, durable: true, exclusive: false, autoDelete: false, arguments: null, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(topology.WorkQueue, durable: true, exclusive: false, autoDelete: false, topology.DeadLettered(), cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(topology.JobQueue, durable: true, exclusive: false, autoDelete: false, topology.DeadLettered(), cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(topology.RpcQueue, durable: true, exclusive: false, autoDelete: false, topology.DeadLettered(), cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(topology.Broadcast, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task OnShutdownAsync(Session session, ShutdownEventArgs args)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_current, session))
            {
                _current = null;
            }

            if (_session.Task.IsCompleted)
            {
                _session = new TaskCompletionSource<Session>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        if (_stopping.IsCancellationRequested || args.Initiator == ShutdownInitiator.Application)
        {
            return;
        }

        LogLost(_logger, Address, session.Epoch, args.ReplyText);
        if (Lost is { } lost)
        {
            try
            {
                await lost(session.Epoch, args.ReplyText).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogHandlerFailed(_logger, exception, "(connection lost)", "lost");
            }
        }

        _ = Task.Run(ReconnectAsync);
    }

    private async Task ReconnectAsync()
    {
        if (!await _reconnect.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await ConnectLoopAsync(firstAttempt: false, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The member is stopping.
        }
        catch (ObjectDisposedException)
        {
            // The member stopped while reconnecting.
        }
        finally
        {
            _reconnect.Release();
        }
    }

    /// <summary>Closes the current connection so that everything restarts on a fresh one; used when a channel breaks under a live connection.</summary>
    public async Task RestartAsync(string reason)
    {
        var session = Volatile.Read(ref _current);
        if (session is null)
        {
            return;
        }

        LogRestart(_logger, reason);
        try
        {
            await session.Connection.CloseAsync(320, reason, TimeSpan.FromSeconds(2), abort: true).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Already closed.
        }

        await OnShutdownAsync(session, new ShutdownEventArgs(ShutdownInitiator.Library, 320, reason)).ConfigureAwait(false);
    }

    private static async Task RejectQuietlyAsync(IChannel channel, ulong tag)
    {
        try
        {
            await channel.BasicRejectAsync(tag, requeue: false).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is AlreadyClosedException or ObjectDisposedException)
        {
            // The channel closed; the broker redelivers the message, which is refused again.
        }
    }

    private static X509Certificate2Collection ReadTrustedCas(string caFile)
    {
        var setting = $"{ClusterOptions.SectionName}:{nameof(ClusterOptions.TlsCaFile)}";
        try
        {
            var certificates = ClusterOptionsValidator.ReadCaFile(caFile);
            return certificates.Count > 0
                ? certificates
                : throw new GridException($"{setting} must name a PEM file of CA certificates; '{caFile}' holds none.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException or NotSupportedException)
        {
            throw new GridException($"{setting} must name a readable PEM file of CA certificates; '{caFile}' cannot be read: {exception.Message}", exception);
        }
    }

    private static bool IsAuthenticationFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationFailureException or PossibleAuthenticationFailureException)
            {
                return true;
            }

            if (e is OperationInterruptedException { ShutdownReason.ReplyCode: 403 or 530 })
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return ReferenceEquals(inner, exception) ? exception.Message : $"{exception.Message} ({inner.Message})";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the broker at {Address} (connection {Epoch})")]
    private static partial void LogConnected(ILogger logger, string address, int epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach the broker at {Address} (attempt {Attempt}): {Reason}; trying again in {Delay}")]
    private static partial void LogConnectFailed(ILogger logger, string address, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection to the broker at {Address} (connection {Epoch}): {Reason}; reconnecting")]
    private static partial void LogLost(ILogger logger, string address, int epoch, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a message on {Queue} (type {Kind}) to the dead-letter queue: {Reason}")]
    private static partial void LogRefused(ILogger logger, string queue, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a message on {Queue} (type {Kind}) failed; it goes to the dead-letter queue")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string queue, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restarting the broker connection: {Reason}")]
    private static partial void LogRestart(ILogger logger, string reason);
}

/// <summary>One connection to the broker and the channel messages are published on.</summary>
internal sealed record Session(int Epoch, IConnection Connection, IChannel Publisher);

/// <summary>A running consumer: its channel and its tag, to stop it taking messages while the ones it holds are finished.</summary>
internal sealed record Consumer(IChannel Channel, string Tag)
{
    /// <summary>Stops new deliveries; messages already delivered can still be acknowledged.</summary>
    public async Task CancelAsync()
    {
        try
        {
            await Channel.BasicCancelAsync(Tag).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RabbitMQ.Client.Exceptions.AlreadyClosedException or ObjectDisposedException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The channel is gone, and its consumer with it.
        }
    }
}

/// <summary>What a published message carries beside its body.</summary>
internal readonly record struct PublishProperties(string? ReplyTo = null, string? CorrelationId = null, bool Persistent = false, ActivityContext? Parent = null);

/// <summary>Thrown when a message cannot be published because the connection to the broker is down.</summary>
public sealed class BrokerUnavailableException : GridException
{
    /// <summary>Creates the exception.</summary>
    public BrokerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
