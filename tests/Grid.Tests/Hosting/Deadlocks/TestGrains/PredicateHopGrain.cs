using Orleans.Concurrency;
using Orleans.Serialization.Invocation;

namespace Grid.Tests.Hosting.Deadlocks.TestGrains;

/// <summary>The hop grain whose [MayInterleave] predicate lets every call in beside a waiting turn.</summary>
[MayInterleave(nameof(LetsIn))]
public sealed class PredicateHopGrain(HopLog log, ILocalSiloDetails silo) : HopGrainBase(log, silo), IPredicateHopGrain
{
    public static bool LetsIn(IInvokable request) => request is not null;
}
