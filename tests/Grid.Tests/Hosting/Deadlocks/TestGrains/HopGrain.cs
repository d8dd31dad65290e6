namespace Grid.Tests.Hosting.Deadlocks.TestGrains;

/// <summary>The non-reentrant hop grain.</summary>
public sealed class HopGrain(HopLog log, ILocalSiloDetails silo) : HopGrainBase(log, silo), IHopGrain;
