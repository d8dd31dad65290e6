using Grid.Runtime.Activation;
using Microsoft.Extensions.Options;

namespace Grid.Runtime.Hosting;

/// <summary>Answers grains' questions about the silo they run on.</summary>
internal sealed class SiloRuntimeInfo(IOptions<SiloOptions> options, GrainTypeRegistry types, TimeProvider timeProvider) : IGrainRuntime
{
    public string SiloName => options.Value.Name;

    public TimeProvider TimeProvider => timeProvider;

    public int GetMaxLocalWorkers<TGrainInterface>()
        where TGrainInterface : IGrain => types.Get(typeof(TGrainInterface)).MaxLocalWorkers;
}
