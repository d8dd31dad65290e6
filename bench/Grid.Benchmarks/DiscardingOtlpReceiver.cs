using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Grid.Benchmarks;

/// <summary>A loopback OTLP/HTTP collector that reads every export, answers 200 with an empty response and keeps nothing but counts.</summary>
/// <remarks>
/// It makes "an exporter configured" real: the silo's exporter serialises each batch and sends it over a socket, as it
/// would to a collector next to the silo, without the collector's own work on the machine's cores.
/// </remarks>
internal sealed class DiscardingOtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private long _requests;
    private long _bytes;

    private DiscardingOtlpReceiver()
    {
        // HttpListener takes no port 0: borrow a free port from the system for the prefix.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Endpoint = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Gets the base address to configure as the OTLP endpoint.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets the export requests received.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Gets the request body bytes received.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Starts a receiver on a free loopback port.</summary>
    public static DiscardingOtlpReceiver Start() => new();

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.GetAwaiter().GetResult();
        }
        catch (ObjectDisposedException)
        {
            // Closing the listener ends the loop this way on some platforms.
        }
    }

    private async Task LoopAsync()
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                var stream = context.Request.InputStream;
                int read;
                while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    Interlocked.Add(ref _bytes, read);
                }

                Interlocked.Increment(ref _requests);

                // An empty body is a valid, empty ExportTraceServiceResponse / ExportMetricsServiceResponse.
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.ContentLength64 = 0;
                context.Response.Close();
            }
            catch (HttpListenerException)
            {
                // The exporter gave up on this request (its timeout); the next one is served as usual.
            }
        }
    }
}
