using Grid.Cluster.Silo;
using Grid.Jobs;

namespace Grid.Tests.Cluster.Units;

/// <summary>A job's silo numbers the items a resumed job gets densely and gives the client back its own indices.</summary>
public sealed class IndexMapTests
{
    [Fact]
    public void Runs_WithGaps_MapBackSplitAtEachGap()
    {
        var map = new IndexMap();
        Assert.Equal(0, map.Append(100, 3));
        Assert.Equal(3, map.Append(110, 2));
        var chunk = new ChunkResult(Guid.NewGuid(), 0, 1, new[] { 1, 2, 3 }, null, [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero], "w", TimeSpan.Zero);

        var parts = map.ToClient(chunk);

        Assert.Equal(2, parts.Count);
        Assert.Equal(101, parts[0].Result.StartIndex + parts[0].Shift);
        Assert.Equal([1, 2], (int[])parts[0].Result.Outputs!);
        Assert.Equal(110, parts[1].Result.StartIndex + parts[1].Shift);
        Assert.Equal([3], (int[])parts[1].Result.Outputs!);
    }

    [Fact]
    public void ContiguousRuns_MergeIntoOneSegment()
    {
        var map = new IndexMap();
        map.Append(0, 4);
        map.Append(4, 4);
        var chunk = new ChunkResult(Guid.NewGuid(), 0, 2, null, null, new TimeSpan[5], "w", TimeSpan.Zero);

        var part = Assert.Single(map.ToClient(chunk));

        Assert.Same(chunk, part.Result);
        Assert.Equal(0, part.Shift);
    }
}
