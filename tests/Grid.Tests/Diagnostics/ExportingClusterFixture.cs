using Grid.Client;
using Grid.Hosting.Diagnostics;
using Grid.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Diagnostics;

/// <summary>A loopback OTLP receiver and a silo exporting its traces and metrics to it, shared by the export tests.</summary>
public sealed class ExportingClusterFixture : IAsyncLifetime
{
    /// <summary>The service name the silo exports under.</summary>
    public const string ServiceName = "grid-export-tests";

    /// <summary>How many workers the silo runs.</summary>
    public const int Workers = 2;

    /// <summary>Gets the silo's name, unique in the test process, so that its gauges' points (tagged with it) are told from other silos'.</summary>
    public string SiloName { get; } = $"export-tests-{Guid.NewGuid():N}";

    private OtlpReceiver? _receiver;
    private TestCluster? _cluster;

    public GridClient Client => Cluster.Client;

    public TelemetryExporter Exporter => Cluster.Services.GetRequiredService<TelemetryExporter>();

    internal OtlpReceiver Receiver => _receiver ?? throw new InvalidOperationException("The receiver has not started.");

    private TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public async Task InitializeAsync()
    {
        _receiver = await OtlpReceiver.StartAsync();
        _cluster = await TestCluster.StartAsync(silo => silo
            .Configure(o =>
            {
                o.Name = SiloName;
                o.MaxLocalWorkers = Workers;
            })
            .AddKernel(MetricsProbeKernel.ExportedName, new MetricsProbeKernel())
            .Services.Configure<TelemetryOptions>(o =>
            {
                o.OtlpEndpoint = _receiver.Endpoint;
                o.GrainCalls = true;
                o.ServiceName = ServiceName;

                // Spans of every test in the process reach this silo's exporter (activity sources are static), so leave room for them.
                o.MaxQueuedSpans = 65_536;
            }));
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }
}
