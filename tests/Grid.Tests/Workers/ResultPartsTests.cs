using Grid.Jobs;
using Grid.Workers;

namespace Grid.Tests.Workers;

/// <summary>A chunk's result too large for one message goes back in consecutive parts, each within the budget, that together hold every item once.</summary>
[Trait("Category", "Fast")]
public sealed class ResultPartsTests
{
    private static readonly Guid Job = Guid.NewGuid();

    [Fact]
    public void Split_SmallFixedSizeOutputs_IsTheResultItself()
    {
        var result = Result(new long[100]);

        Assert.Same(result, Assert.Single(ResultParts.Split(result, 1024 * 1024)));
    }

    [Fact]
    public void Split_LargeStrings_PartsWithinTheBudgetCoveringEveryItemInOrder()
    {
        var outputs = Enumerable.Range(0, 10).Select(i => new string((char)('a' + i), 1000)).ToArray();
        var result = Result(outputs, startIndex: 40) with { Busy = TimeSpan.FromSeconds(10) };

        var parts = ResultParts.Split(result, 7_000);

        Assert.True(parts.Length > 1);
        Assert.All(parts, p => Assert.Equal(result.ChunkId, p.ChunkId));
        Assert.Equal(Enumerable.Range(40, 10).Select(i => (long)i), parts.SelectMany(p => Enumerable.Range(0, p.Count).Select(i => p.StartIndex + i)));
        Assert.Equal(outputs, parts.SelectMany(p => (string[])p.Outputs!));
        Assert.All(parts, p => Assert.True(p.Count * 3_024 <= 7_000, $"a part of {p.Count} items"));
        Assert.Equal(TimeSpan.FromSeconds(10), parts.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Busy));
    }

    [Fact]
    public void Split_AnItemOverTheBudget_GoesInAPartOfItsOwn()
    {
        string[] outputs = ["small", new string('x', 10_000), "small"];

        var parts = ResultParts.Split(Result(outputs), 2_000);

        Assert.Equal([1, 1, 1], parts.Select(p => p.Count));
    }

    [Fact]
    public void Split_LongErrorMessages_CountTowardsTheBudget()
    {
        var error = new ItemError(ItemStatus.Failed, "System.Exception", new string('m', 2_000));
        var result = Result(new long[4]) with { Errors = [error, error, error, error] };

        var parts = ResultParts.Split(result, 7_000);

        Assert.True(parts.Length >= 2);
        Assert.Equal(4, parts.Sum(p => p.Count));
        Assert.All(parts, p => Assert.All(p.Errors!, e => Assert.Same(error, e)));
    }

    private static ChunkResult Result(Array outputs, long startIndex = 0)
        => new(Job, 7, startIndex, outputs, null, new TimeSpan[outputs.Length], "silo/worker-1", TimeSpan.Zero);
}
