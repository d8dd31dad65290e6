using System.Buffers.Binary;

namespace Grid.Kernels.Isolation;

/// <summary>The framing between a silo and its worker processes: each frame is a 4-byte little-endian length, a kind byte and a payload, with a size limit.</summary>
internal static class KernelFrames
{
    /// <summary>The silo's first frame to a new worker process: the kernels to load (JSON of <see cref="HostInit"/>).</summary>
    public const byte Init = 1;

    /// <summary>The worker process's answer to <see cref="Init"/> (JSON of <see cref="HostReady"/>).</summary>
    public const byte Ready = 2;

    /// <summary>Items for the worker process to run, one after another.</summary>
    public const byte Chunk = 3;

    /// <summary>One item's outcome, sent by the worker process as soon as the item ends.</summary>
    public const byte Item = 4;

    /// <summary>Tells the worker process that the job of its chunk was cancelled.</summary>
    public const byte Cancel = 5;

    /// <summary>The bytes before a frame's payload: its length and its kind.</summary>
    public const int HeaderBytes = 5;

    /// <summary>The version both sides must speak; <see cref="HostInit"/> carries it.</summary>
    public const int Version = 1;

    /// <summary>Writes one frame to <paramref name="stream"/> in one write, so that a reader never sees part of it unless the writer dies.</summary>
    public static void Write(Stream stream, byte kind, ReadOnlySpan<byte> payload, int maxFrameBytes)
    {
        if (payload.Length + 1 > maxFrameBytes)
        {
            throw new InvalidDataException($"A frame of kind {kind} would be {payload.Length + 1} bytes, more than the limit of {maxFrameBytes} bytes (Grid:Isolation:MaxFrameBytes).");
        }

        var frame = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length + 1);
        frame[4] = kind;
        payload.CopyTo(frame.AsSpan(HeaderBytes));
        stream.Write(frame);
        stream.Flush();
    }

    /// <summary>Reads the next frame; returns <see langword="false"/> at the end of the stream between frames, and throws an <see cref="InvalidDataException"/> for a frame that is cut short or out of bounds.</summary>
    public static bool TryRead(Stream stream, int maxFrameBytes, out byte kind, out byte[] payload)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        var read = stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
        if (read == 0)
        {
            kind = 0;
            payload = [];
            return false;
        }

        if (read < HeaderBytes)
        {
            throw new InvalidDataException($"The stream ended inside a frame header ({read} of {HeaderBytes} bytes).");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 1 || length > maxFrameBytes)
        {
            throw new InvalidDataException($"A frame says it is {length} bytes long; frames are 1 to {maxFrameBytes} bytes (Grid:Isolation:MaxFrameBytes).");
        }

        kind = header[4];
        payload = new byte[length - 1];
        if (stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false) < payload.Length)
        {
            throw new InvalidDataException($"The stream ended inside a frame of kind {kind} ({length} bytes announced).");
        }

        return true;
    }
}
