using System.Net;
using System.Net.Sockets;

namespace Grid.Fetch;

/// <summary>The silo's one HTTP client for fetch and upload jobs: pooled connections over HTTP/1.1 and HTTP/2, with the fetch policy checked on every connection after DNS resolution.</summary>
/// <remarks>
/// One <see cref="SocketsHttpHandler"/> per silo, so that every job shares the connection pools. Redirects, retries, time limits and
/// concurrency are the request runner's; the handler only connects. No proxy is used: through one, the policy would check the proxy's
/// address instead of the target's.
/// </remarks>
internal sealed class FetchHttp : IDisposable
{
    private readonly FetchPolicy _policy;
    private readonly SocketsHttpHandler _handler;

    public FetchHttp(FetchPolicy policy)
    {
        _policy = policy;
        _handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,

            // The jobs' per-host limits bound the connections; the handler must never be the tighter limit.
            MaxConnectionsPerServer = int.MaxValue,
            EnableMultipleHttp2Connections = true,

            // Connections are renewed now and then so that a changed DNS answer (and the policy's check of it) takes effect.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = ConnectAsync,
        };
        Client = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Gets the client every request goes through.</summary>
    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        _handler.Dispose();
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);

        // Connect only to allowed addresses: a name that resolves to a denied one (metadata service, loopback when denied) never reaches it.
        var allowed = new List<IPAddress>(addresses.Length);
        string? denial = null;
        foreach (var address in addresses)
        {
            if (_policy.CheckAddress(address) is { } why)
            {
                denial ??= why;
            }
            else
            {
                allowed.Add(address);
            }
        }

        if (allowed.Count == 0)
        {
            throw new FetchDeniedException(denial is null ? $"The host {host} resolved to no address." : $"{host}: {denial}");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync([.. allowed], context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
