namespace Grid.Tests.Hosting.Deadlocks.TestGrains;

/// <summary>The hop grain as a [StatelessWorker] of two activations per silo.</summary>
public interface IWorkerHopGrain : IGrainWithStringKey
{
    Task<int> HopAsync(string[] route, int next);
}
