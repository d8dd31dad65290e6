using Grid.Client;
using Grid.Hosting.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Grid.Tests.Diagnostics;

[Trait("Category", "Fast")]
public sealed class TelemetryOptionsValidationTests
{
    [Fact]
    public async Task StartEmbeddedAsync_UnknownProtocol_FailsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => GridClient.StartEmbeddedAsync(
            silo => silo.Services.Configure<TelemetryOptions>(o => o.OtlpProtocol = "carrier-pigeon")));

        Assert.Contains("Grid:Telemetry:OtlpProtocol must be HttpProtobuf or Grpc; got 'carrier-pigeon'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartEmbeddedAsync_NoQueue_FailsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => GridClient.StartEmbeddedAsync(
            silo => silo.Services.Configure<TelemetryOptions>(o => o.MaxQueuedSpans = 0)));

        Assert.Contains("Grid:Telemetry:MaxQueuedSpans must be between 1 and 1000000", error.Message, StringComparison.Ordinal);
    }
}
