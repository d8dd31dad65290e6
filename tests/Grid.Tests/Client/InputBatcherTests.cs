using Grid.Client;
using Grid.Serialization;

namespace Grid.Tests.Client;

[Trait("Category", "Fast")]
public sealed class InputBatcherTests
{
    [Fact]
    public void Add_FirstItem_AsksToSendAtOnce()
    {
        var batcher = new InputBatcher<int>();

        Assert.True(batcher.Add(7));

        var (start, items, _) = batcher.Take();
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
        var (start, items, _) = batcher.Take();

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
                var (start, items, _) = batcher.Take();
                Assert.Equal(sent.Count, start);
                Assert.InRange(items.Length, 1, InputBatcher<int>.MaxBatchSize);
                sent.AddRange(items);
            }
        }

        var (_, rest, _) = batcher.Take();
        Assert.InRange(rest.Length, 0, InputBatcher<int>.MaxBatchSize);
        sent.AddRange(rest);
        Assert.Equal(Enumerable.Range(0, count), sent);
    }

    [Fact]
    public void Take_FixedSizeItems_SendsNoSizes()
    {
        var batcher = new InputBatcher<long>();
        batcher.Add(1);

        Assert.Null(batcher.Take().Sizes);
    }

    [Fact]
    public void Add_StringsPastTheBudget_CutsTheBatchBeforeTheItemThatWouldGoOverAndStartsTheNextWithIt()
    {
        // Each 1,000-character string counts 3,008 bytes: three fit in a budget of 10,000, the fourth starts the next batch.
        var batcher = new InputBatcher<string>(byteBudget: 10_000);
        var text = new string('x', 1000);
        batcher.Add("first");
        batcher.Take();

        var sendNow = new[] { batcher.Add(text + 1), batcher.Add(text + 2), batcher.Add(text + 3), batcher.Add(text + 4) };
        var (start, items, sizes) = batcher.Take();

        Assert.Equal([false, false, false, true], sendNow);
        Assert.Equal(1, start);
        Assert.Equal([text + 1, text + 2, text + 3], items);
        Assert.Equal(items.Select(PayloadSize.Of), sizes!);
        Assert.Equal(1, batcher.Count);
        var (nextStart, next, nextSizes) = batcher.Take();
        Assert.Equal(4, nextStart);
        Assert.Equal([text + 4], next);
        Assert.Equal([PayloadSize.Of(text + 4)], nextSizes!);
    }

    [Fact]
    public void Add_OneItemOverTheBudget_TravelsInABatchOfItsOwn()
    {
        var batcher = new InputBatcher<string>(byteBudget: 1_000);
        batcher.Add("a");
        batcher.Take();
        var huge = new string('y', 5_000);

        Assert.False(batcher.Add("b"));
        Assert.True(batcher.Add(huge));
        Assert.Equal(["b"], batcher.Take().Items);
        Assert.Equal([huge], batcher.Take().Items);
        Assert.Equal(0, batcher.Count);
    }
}
