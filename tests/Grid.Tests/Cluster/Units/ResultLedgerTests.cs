using Grid.Client.Cluster;

namespace Grid.Tests.Cluster.Units;

/// <summary>The client's ledger lets each item's result through once, whatever order and however often chunks come back.</summary>
public sealed class ResultLedgerTests
{
    [Fact]
    public void InOrder_EveryItemIsNewOnce()
    {
        var ledger = new ResultLedger();

        Assert.Equal([(0, 10)], ledger.Add(0, 10));
        Assert.Equal([(0, 5)], ledger.Add(10, 5));
        Assert.Empty(ledger.Add(0, 10));
        Assert.Equal(15, ledger.Floor);
        Assert.Equal(15, ledger.Count);
    }

    [Fact]
    public void OutOfOrderAndOverlapping_KeepsOnlyTheNewRuns()
    {
        var ledger = new ResultLedger();
        ledger.Add(10, 5);

        var runs = ledger.Add(8, 10);

        // Items 8 and 9 are new, 10 to 14 were seen, 15 to 17 are new.
        Assert.Equal([(0, 2), (7, 3)], runs);
        Assert.Equal(0, ledger.Floor);
        Assert.Equal(10, ledger.Count);
        ledger.Add(0, 8);
        Assert.Equal(18, ledger.Floor);
    }

    [Fact]
    public void Missing_ListsTheRunsWithoutResults()
    {
        var ledger = new ResultLedger();
        ledger.Add(0, 3);
        ledger.Add(5, 2);

        Assert.Equal([(3, 2), (7, 3)], ledger.Missing(0, 10));
        Assert.Empty(ledger.Missing(0, 3));
    }
}
