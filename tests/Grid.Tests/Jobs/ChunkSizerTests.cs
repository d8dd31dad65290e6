using Grid.Jobs;

namespace Grid.Tests.Jobs;

[Trait("Category", "Fast")]
public sealed class ChunkSizerTests
{
    private static readonly TimeSpan Target = TimeSpan.FromMilliseconds(10);

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void Next_BeforeAnyMeasurement_ReturnsOne(int workers)
    {
        var sizer = new ChunkSizer(Target, 8192);

        Assert.Equal(1, sizer.Next(null, workers));
        Assert.True(double.IsNaN(sizer.SecondsPerItem));
    }

    [Fact]
    public void Next_AfterFastItems_GrowsAtMostFourfoldOverLargestMeasured()
    {
        var sizer = new ChunkSizer(Target, 8192);
        var largest = 0;
        var size = sizer.Next(null, 2);
        var sizes = new List<int> { size };

        while (size < sizer.MaxChunkSize)
        {
            // A nanosecond per item: the target alone would ask for far more than the growth limit allows.
            sizer.Observe(size, TimeSpan.FromTicks(Math.Max(1, size / 100)));
            largest = Math.Max(largest, size);
            var next = sizer.Next(null, 2);
            Assert.InRange(next, size + 1, 4 * largest);
            size = next;
            sizes.Add(size);
        }

        Assert.Equal([1, 4, 16, 64, 256, 1024, 4096, 8192], sizes);
    }

    [Fact]
    public void Next_ItemsTakingNoTime_GrowsFourfold()
    {
        var sizer = new ChunkSizer(Target, 8192);

        sizer.Observe(3, TimeSpan.Zero);

        Assert.Equal(12, sizer.Next(null, 4));
    }

    [Fact]
    public void Next_VeryFastItems_CappedByMaxChunkSize()
    {
        var sizer = new ChunkSizer(Target, maxChunkSize: 100);

        sizer.Observe(10_000, TimeSpan.FromMilliseconds(1));

        Assert.Equal(100, sizer.Next(null, 2));
    }

    [Fact]
    public void Next_MeasuredRate_AimsAtTargetDuration()
    {
        var sizer = new ChunkSizer(Target, 8192);

        // 1 ms per item: a 10 ms chunk holds 10 items.
        sizer.Observe(100, TimeSpan.FromMilliseconds(100));

        Assert.Equal(10, sizer.Next(null, 2));
        Assert.Equal(0.001, sizer.SecondsPerItem, 9);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Next_SlowItems_ReturnsOne(int items)
    {
        var sizer = new ChunkSizer(Target, 8192);

        // Each item alone takes longer than the target.
        sizer.Observe(items, TimeSpan.FromMilliseconds(20) * items);

        Assert.Equal(1, sizer.Next(null, 2));
        Assert.Equal(1, sizer.Next(1_000_000, 2));
    }

    [Fact]
    public void Next_ItemsTurnSlow_ShrinksBackToOne()
    {
        var sizer = new ChunkSizer(Target, 8192);
        sizer.Observe(1000, TimeSpan.FromMilliseconds(1));
        Assert.True(sizer.Next(null, 2) > 1);

        for (var i = 0; i < 20; i++)
        {
            sizer.Observe(1, TimeSpan.FromSeconds(1));
        }

        Assert.Equal(1, sizer.Next(null, 2));
    }

    [Theory]
    [InlineData(0L, 2)]
    [InlineData(1L, 2)]
    [InlineData(3L, 2)]
    [InlineData(4L, 2)]
    [InlineData(5L, 2)]
    [InlineData(100L, 2)]
    [InlineData(100L, 1)]
    [InlineData(100L, 16)]
    [InlineData(1_000_000L, 4)]
    public void Next_InputEnded_TakesAtMostItsShareOfWhatRemains(long remaining, int workers)
    {
        var sizer = new ChunkSizer(Target, 8192);
        sizer.Observe(8192, TimeSpan.FromTicks(1));

        var size = sizer.Next(remaining, workers);

        var share = (remaining + (2 * workers) - 1) / (2 * workers);
        Assert.InRange(size, 1, Math.Max(1, share));
        Assert.InRange(size, 1, sizer.MaxChunkSize);
        Assert.Equal(Math.Clamp(share, 1, sizer.MaxChunkSize), size);
    }

    [Fact]
    public void Observe_EmptyChunk_ChangesNothing()
    {
        var sizer = new ChunkSizer(Target, 8192);

        sizer.Observe(0, TimeSpan.FromSeconds(1));

        Assert.True(double.IsNaN(sizer.SecondsPerItem));
        Assert.Equal(1, sizer.Next(null, 2));
    }
}
