using Orleans.Concurrency;

namespace Grid.Tests.Hosting.Deadlocks.TestGrains;

/// <summary>The stateless worker hop grain: two activations per silo.</summary>
[StatelessWorker(2)]
public sealed class WorkerHopGrain(HopLog log, ILocalSiloDetails silo) : HopGrainBase(log, silo), IWorkerHopGrain;
