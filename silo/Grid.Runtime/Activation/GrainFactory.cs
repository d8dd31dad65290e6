using System.Globalization;
using Grid.Runtime.Messaging;

namespace Grid.Runtime.Activation;

/// <summary>Makes grain references for the grain interfaces registered on the silo.</summary>
internal sealed class GrainFactory(IGrainCallSink sink, GrainTypeRegistry types) : IGrainFactory
{
    public TGrain GetGrain<TGrain>(string key)
        where TGrain : class, IGrain
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return GrainReference.Create<TGrain>(sink, new GrainId(types.Get(typeof(TGrain)).Name, key));
    }

    public TGrain GetGrain<TGrain>(Guid key)
        where TGrain : class, IGrain => GetGrain<TGrain>(key.ToString("N"));

    public TGrain GetGrain<TGrain>(long key)
        where TGrain : class, IGrain => GetGrain<TGrain>(key.ToString(CultureInfo.InvariantCulture));
}
