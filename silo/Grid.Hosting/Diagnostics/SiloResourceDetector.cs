using OpenTelemetry.Resources;

namespace Grid.Hosting.Diagnostics;

/// <summary>Gives the silo's spans and metrics its service name and, as <c>service.instance.id</c>, the silo's own name.</summary>
internal sealed class SiloResourceDetector(TelemetryExporter exporter) : IResourceDetector
{
    public Resource Detect()
    {
        var resource = ResourceBuilder.CreateEmpty();
        exporter.ConfigureResource(resource);
        return resource.Build();
    }
}
