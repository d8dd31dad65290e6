namespace Grid.Tests.Hosting.Deadlocks.TestGrains;

/// <summary>The hop grain with a [MayInterleave] predicate that lets every hop in.</summary>
public interface IPredicateHopGrain : IGrainWithStringKey
{
    Task<int> HopAsync(string[] route, int next);
}
