using System.Net;
using System.Net.Sockets;
using Grid.Client;
using Grid.Fetch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Grid.Hosting.Embedded;

/// <summary>Starts an Orleans silo with Grid inside this process, with a co-hosted client: no server, no configuration, no fixed port.</summary>
/// <remarks>
/// Orleans refuses port 0, so the silo takes a free loopback port found just before it starts, and tries another when a process
/// took that one first; it opens no gateway (the client is co-hosted), so two embedded silos on one machine never clash.
/// </remarks>
internal static class EmbeddedSilo
{
    private const int PortAttempts = 5;

    public static async Task<GridClient> StartAsync(Action<IGridBuilder>? configure, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var host = Build(FreeLoopbackPort(), configure);
            try
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
                var client = GridClient.ForEmbedded(
                    host.Services.GetRequiredService<IClusterClient>(), host, host.Services, host.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.MaxMessageBodySize);
                await client.GetKernelsAsync(cancellationToken).ConfigureAwait(false);
                return client;
            }
            catch (Exception exception) when (attempt < PortAttempts && IsPortTaken(exception))
            {
                // Another process bound the port between the probe and the silo's start: take another one.
                host.Dispose();
            }
            catch
            {
                host.Dispose();
                throw;
            }
        }
    }

    private static IHost Build(int siloPort, Action<IGridBuilder>? configure) => new HostBuilder()
        .UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort: 0, serviceId: "grid-embedded", clusterId: $"grid-embedded-{Environment.ProcessId}-{siloPort}");
            silo.Configure<EndpointOptions>(o => o.GatewayPort = 0);

            // The embedded silo is this process, run by this user: its jobs may use any folder the process can (configure may narrow that).
            silo.Services.Configure<FetchPolicyOptions>(o => o.AllowAnyFolder = true);
            silo.AddGrid(configure);
        })
        .UseDefaultServiceProvider(o => o.ValidateOnBuild = false)
        .Build();

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static bool IsPortTaken(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }
}
