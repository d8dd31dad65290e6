namespace Grid.Cluster.Wire;

/// <summary>A cluster message that can write its fields in Grid's binary layout.</summary>
internal interface IWireMessage
{
    /// <summary>Gets the message's kind, one of <see cref="MessageKinds"/>.</summary>
    string Kind { get; }

    /// <summary>Writes the message's fields, without the version byte.</summary>
    void Write(WireWriter writer);
}

/// <summary>Reads one message's fields.</summary>
internal delegate T WireRead<out T>(ref WireReader reader);

/// <summary>Turns messages into bodies and back: one version byte, then the message's fields, with a size limit both ways.</summary>
internal static class WireMessage
{
    public static byte[] Encode(IWireMessage message, int maxBytes)
    {
        var writer = new WireWriter();
        writer.Byte(MessageKinds.Version);
        message.Write(writer);
        var body = writer.ToArray();
        return body.Length > maxBytes
            ? throw new GridException($"A '{message.Kind}' message encodes to {body.Length} bytes, more than the cluster's limit of {maxBytes} bytes (Grid:Cluster:MaxMessageBytes).")
            : body;
    }

    public static T Decode<T>(ReadOnlySpan<byte> body, string kind, WireRead<T> read)
    {
        var reader = new WireReader(body);
        var version = reader.Byte("version");
        if (version != MessageKinds.Version)
        {
            throw new WireFormatException($"A '{kind}' message has layout version {version}; this silo reads version {MessageKinds.Version}.");
        }

        var message = read(ref reader);
        reader.End(kind);
        return message;
    }
}
