using Orleans.Concurrency;

namespace Grid.Tests.Hosting.Deadlocks.TestGrains;

/// <summary>The reentrant hop grain.</summary>
[Reentrant]
public sealed class ReentrantHopGrain(HopLog log, ILocalSiloDetails silo) : HopGrainBase(log, silo), IReentrantHopGrain;
