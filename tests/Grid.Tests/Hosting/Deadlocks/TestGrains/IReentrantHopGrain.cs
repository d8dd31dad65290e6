namespace Grid.Tests.Hosting.Deadlocks.TestGrains;

/// <summary>The hop grain as a [Reentrant] grain.</summary>
public interface IReentrantHopGrain : IGrainWithStringKey
{
    Task<int> HopAsync(string[] route, int next);
}
