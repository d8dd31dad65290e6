using Grid.Runtime.Hosting;
using Microsoft.Extensions.Options;

namespace Grid.Runtime.Activation;

/// <summary>The grain classes registered on this silo, looked up by grain interface or grain type name.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<string, GrainTypeInfo> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, GrainTypeInfo> _byInterface = [];

    public GrainTypeRegistry(IEnumerable<GrainRegistration> registrations, IOptions<SiloOptions> options)
    {
        foreach (var registration in registrations)
        {
            var info = new GrainTypeInfo(registration.Interface, registration.Implementation, options.Value.MaxLocalWorkers);
            _byName[info.Name] = info;
            _byInterface[info.Interface] = info;
        }
    }

    public GrainTypeInfo Get(Type grainInterface) => _byInterface.TryGetValue(grainInterface, out var info)
        ? info
        : throw new GridException(
            $"No grain class implements {grainInterface.FullName} on this silo; register one with AddGrain<{grainInterface.Name}, TGrain>().");

    public GrainTypeInfo Get(string grainType) => _byName.TryGetValue(grainType, out var info)
        ? info
        : throw new GridException($"Grain type '{grainType}' is not registered on this silo.");
}
