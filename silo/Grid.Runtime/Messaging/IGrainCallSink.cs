namespace Grid.Runtime.Messaging;

/// <summary>Where grain references send their calls: the silo's catalog of activations.</summary>
internal interface IGrainCallSink
{
    /// <summary>Queues <paramref name="call"/> for the grain; completes once it is in a mailbox (callers wait here when mailboxes are full).</summary>
    ValueTask SendAsync(GrainId grainId, GrainCall call);
}
