using Grid.Client;

namespace Grid.Tests.Client;

[Trait("Category", "Fast")]
public sealed class InputBatcherTests
{
    [Fact]
    public void Add_FirstItem_AsksToSendAtOnce()
    {
        var batcher = new InputBatcher<int>();

        Assert.True(batcher.Add(7));

        var (start, items) = batcher.Take();
        Assert.Equal(0, start);
        Assert.Equal([7], items);
        Assert.Equal(1, batcher.NextIndex);
        Assert.Equal(0, batcher.Count);
    }

    [Fact]
    public void Take_AfterSomeItems_ReturnsExactlyThoseInOrderFromNextIndex()
    {
        var batcher = new InputBatcher<int>();
        batcher.Add(0);
        batcher.Take();

        batcher.Add(1);
        batcher.Add(2);
        var (start, items) = batcher.Take();

        Assert.Equal(1, start);
        Assert.Equal([1, 2], items);
        Assert.Equal(3, batcher.NextIndex);
    }

    [Fact]
    public void Add_ManyItems_SendsEveryItemOnceInOrderInBatchesOfAtMostMaxBatchSize()
    {
        const int count = 100_000;
        var batcher = new InputBatcher<int>();
        var sent = new List<int>(count);

        for (var i = 0; i < count; i++)
        {
            if (batcher.Add(i))
            {
                var (start, items) = batcher.Take();
                Assert.Equal(sent.Count, start);
                Assert.InRange(items.Length, 1, InputBatcher<int>.MaxBatchSize);
                sent.AddRange(items);
            }
        }

        var (_, rest) = batcher.Take();
        Assert.InRange(rest.Length, 0, InputBatcher<int>.MaxBatchSize);
        sent.AddRange(rest);
        Assert.Equal(Enumerable.Range(0, count), sent);
    }
}
