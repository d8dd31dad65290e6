using Microsoft.Extensions.Options;

namespace Grid.Hosting;

/// <summary>The silo's name, clock and worker count, from its <see cref="SiloOptions"/>.</summary>
internal sealed class GridSiloInfo(IOptions<SiloOptions> options, TimeProvider timeProvider) : IGridSilo
{
    public string SiloName => options.Value.Name;

    public TimeProvider TimeProvider => timeProvider;

    public int MaxWorkers => options.Value.MaxLocalWorkers;
}
