using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;

namespace Grid.Cluster.Transport;

/// <summary>One message taken from a queue: its kind, a copy of its body, its reply address and trace context, and the means to acknowledge or refuse it.</summary>
internal sealed class Delivery(IChannel channel, ulong tag, int epoch, string queue, string kind, byte[] body, IReadOnlyBasicProperties properties, bool redelivered)
{
    private int _settled;

    public string Queue => queue;

    public string Kind => kind;

    public byte[] Body => body;

    public string? ReplyTo => properties.ReplyTo;

    public string? CorrelationId => properties.CorrelationId;

    public bool Redelivered => redelivered;

    /// <summary>Gets the connection generation the message came on; its acknowledgement means nothing on a later one.</summary>
    public int Epoch => epoch;

    /// <summary>Gets the sender's span, from the message's <c>traceparent</c> header, or the default when it has none.</summary>
    public ActivityContext Parent
    {
        get
        {
            if (properties.Headers is { } headers && headers.TryGetValue(Broker.TraceParentHeader, out var value) && value is byte[] bytes
                && ActivityContext.TryParse(Encoding.ASCII.GetString(bytes), null, out var context))
            {
                return context;
            }

            return default;
        }
    }

    /// <summary>Acknowledges the message; does nothing when it was settled already or its channel has closed (the broker then delivers it again).</summary>
    public Task AckAsync() => SettleAsync(c => c.BasicAckAsync(tag, multiple: false));

    /// <summary>Refuses the message: back to its queue when <paramref name="requeue"/>, otherwise to the dead-letter queue.</summary>
    public Task RejectAsync(bool requeue) => SettleAsync(c => c.BasicRejectAsync(tag, requeue));

    private async Task SettleAsync(Func<IChannel, ValueTask> settle)
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0 || !channel.IsOpen)
        {
            return;
        }

        try
        {
            await settle(channel).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RabbitMQ.Client.Exceptions.AlreadyClosedException or ObjectDisposedException or OperationCanceledException)
        {
            // The channel closed meanwhile: the broker gives the message to another consumer, which is what an unsettled message needs.
        }
    }
}
