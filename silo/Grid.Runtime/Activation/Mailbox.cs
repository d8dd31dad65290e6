using System.Threading.Channels;
using Grid.Runtime.Messaging;

namespace Grid.Runtime.Activation;

/// <summary>A bounded queue of calls for one activation (or one stateless worker pool); senders wait when it is full.</summary>
internal sealed class Mailbox
{
    private readonly Channel<GrainCall> _channel;
    private volatile bool _completed;

    public Mailbox(int capacity, bool singleReader)
    {
        _channel = Channel.CreateBounded<GrainCall>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = singleReader,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
    }

    public ChannelReader<GrainCall> Reader => _channel.Reader;

    /// <summary>Gets whether the mailbox takes no more calls (its activation is being deactivated).</summary>
    public bool IsCompleted => _completed;

    /// <summary>Gets the calls waiting.</summary>
    public int Count => _channel.Reader.Count;

    public bool TryPost(GrainCall call) => _channel.Writer.TryWrite(call);

    /// <summary>Posts a call, waiting in line while the mailbox is full; <see langword="false"/> when the mailbox was completed first.</summary>
    /// <remarks>Waiting writers queue in order and are woken one per free slot, so a flood of callers costs linear, not quadratic, time.</remarks>
    public async ValueTask<bool> PostAsync(GrainCall call)
    {
        try
        {
            await _channel.Writer.WriteAsync(call).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    public void Complete()
    {
        _completed = true;
        _channel.Writer.TryComplete();
    }
}
