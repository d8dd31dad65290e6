using System.Buffers.Binary;
using Grid.Kernels.Isolation;

namespace Grid.Tests.Isolation;

/// <summary>The framing between a silo and its worker processes reads back what was written and refuses anything else with an <see cref="InvalidDataException"/>.</summary>
[Trait("Category", "Process")]
public sealed class KernelFramesTests
{
    private const int Limit = 4096;

    [Fact]
    public void Write_ThenTryRead_ReturnsTheFramesInOrder()
    {
        using var stream = new MemoryStream();
        KernelFrames.Write(stream, KernelFrames.Chunk, [1, 2, 3], Limit);
        KernelFrames.Write(stream, KernelFrames.Cancel, [], Limit);
        stream.Position = 0;

        Assert.True(KernelFrames.TryRead(stream, Limit, out var kind, out var payload));
        Assert.Equal(KernelFrames.Chunk, kind);
        Assert.Equal(new byte[] { 1, 2, 3 }, payload);
        Assert.True(KernelFrames.TryRead(stream, Limit, out kind, out payload));
        Assert.Equal(KernelFrames.Cancel, kind);
        Assert.Empty(payload);
        Assert.False(KernelFrames.TryRead(stream, Limit, out _, out _));
    }

    [Fact]
    public void Write_PayloadOverTheLimit_ThrowsNamingTheSetting()
    {
        using var stream = new MemoryStream();

        var thrown = Assert.Throws<InvalidDataException>(() => KernelFrames.Write(stream, KernelFrames.Item, new byte[Limit], Limit));

        Assert.Contains("Grid:Isolation:MaxFrameBytes", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(Limit + 1)]
    [InlineData(int.MaxValue)]
    public void TryRead_LengthOutOfBounds_ThrowsBeforeReadingThePayload(int length)
    {
        var header = new byte[KernelFrames.HeaderBytes];
        BinaryPrimitives.WriteInt32LittleEndian(header, length);

        Assert.Throws<InvalidDataException>(() => KernelFrames.TryRead(new MemoryStream(header), Limit, out _, out _));
    }

    [Fact]
    public void TryRead_RandomAndCutBytes_OnlyEverReturnsFramesEndsOrThrowsInvalidData()
    {
        var random = new Random(6);
        using var valid = new MemoryStream();
        KernelFrames.Write(valid, KernelFrames.Item, [9, 8, 7, 6], Limit);
        var frame = valid.ToArray();
        for (var iteration = 0; iteration < 5000; iteration++)
        {
            byte[] bytes;
            if (iteration % 2 == 0)
            {
                bytes = new byte[random.Next(0, 64)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = frame[..random.Next(0, frame.Length + 1)];
                if (bytes.Length > 0)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                }
            }

            using var stream = new MemoryStream(bytes);
            try
            {
                while (KernelFrames.TryRead(stream, Limit, out _, out var payload))
                {
                    Assert.InRange(payload.Length, 0, Limit - 1);
                }
            }
            catch (InvalidDataException)
            {
                // A malformed frame: the one outcome besides frames and the end.
            }
        }
    }
}
