using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Grid.Tests.TestKernels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Grid.Tests.Fetch;

/// <summary>A loopback HTTP server for the fetch tests that misbehaves on request: fails, hangs, trickles, sends too much, redirects in loops; it counts attempts, requests in flight per host and aborted requests, and lets tests wait for them.</summary>
/// <remarks>
/// Paths: <c>/ok?size=N</c>, <c>/status/CODE</c>, <c>/flaky?fail=N</c> (500 until the Nth attempt), <c>/retry-after</c> (429 with Retry-After: 1),
/// <c>/hang</c>, <c>/trickle</c>, <c>/big?size=N[&amp;chunked=1]</c>, <c>/loop/a</c> and <c>/loop/b</c>, <c>/chain/N</c>, <c>/redirect?to=URL</c>,
/// <c>/gate?open=N</c> (held until N requests are in flight at once), <c>/upload/PATH</c> (PUT or POST; stores the body's SHA-256). Add <c>id=...</c> to keep one test's attempts apart.
/// </remarks>
internal sealed class FetchTestServer : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _maxInFlight = new(StringComparer.OrdinalIgnoreCase);
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = NewSignal();
    private int _hanging;
    private int _aborted;
    private int _gateWaiting;

    private FetchTestServer(WebApplication app) => _app = app;

    /// <summary>Gets the server's base address, <c>http://127.0.0.1:PORT</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the uploads received: path to SHA-256 and method.</summary>
    public ConcurrentDictionary<string, (string Sha256, string Method, long Bytes)> Uploads { get; } = new(StringComparer.Ordinal);

    public static async Task<FetchTestServer> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var server = new FetchTestServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return server;
    }

    /// <summary>Gets the URL of <paramref name="pathAndQuery"/> on this server, at host <paramref name="host"/> (default 127.0.0.1).</summary>
    public string Url(string pathAndQuery, string host = "127.0.0.1") => $"http://{host}:{BaseAddress.Port}{pathAndQuery}";

    /// <summary>Gets how many requests arrived for exactly this path and query.</summary>
    public int AttemptsOf(string pathAndQuery) => _attempts.GetValueOrDefault(pathAndQuery);

    /// <summary>Gets the most requests of test <paramref name="id"/> that were in flight at once for <paramref name="host"/>, as the Host header names it.</summary>
    public int MaxInFlight(string host, string id)
    {
        lock (_lock)
        {
            return _maxInFlight.GetValueOrDefault(host + "|" + id);
        }
    }

    public int Hanging => Volatile.Read(ref _hanging);

    public int Aborted => Volatile.Read(ref _aborted);

    /// <summary>Waits until <paramref name="condition"/> holds, checked after each change on the server; fails after the hang limit.</summary>
    public async Task WaitUntilAsync(Func<FetchTestServer, bool> condition, string what)
    {
        using var guard = new CancellationTokenSource(TestLimits.Hang);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException) when (guard.IsCancellationRequested)
            {
                throw new TimeoutException($"The test server never saw {what}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _gate.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static int Query(HttpContext context, string name, int fallback)
        => int.TryParse(context.Request.Query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private void Changed()
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var key = request.Path + request.QueryString;
        var attempt = _attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
        var host = request.Host.Host + "|" + request.Query["id"];
        lock (_lock)
        {
            var now = _inFlight[host] = _inFlight.GetValueOrDefault(host) + 1;
            _maxInFlight[host] = Math.Max(_maxInFlight.GetValueOrDefault(host), now);
        }

        // A request stops counting as in flight before its response starts: once the client sees the response it may send the next one.
        var left = 0;
        void Leave()
        {
            if (Interlocked.Exchange(ref left, 1) == 0)
            {
                lock (_lock)
                {
                    _inFlight[host]--;
                }
            }
        }

        context.Response.OnStarting(() =>
        {
            Leave();
            return Task.CompletedTask;
        });
        Changed();
        try
        {
            await RespondAsync(context, attempt);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _aborted);
        }
        finally
        {
            Leave();
            Changed();
        }
    }

    private async Task RespondAsync(HttpContext context, int attempt)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? "/";
        var aborted = context.RequestAborted;
        switch (path)
        {
            case "/ok":
                await WriteBytesAsync(response, Query(context, "size", 5), chunked: false, aborted);
                return;
            case "/flaky":
                response.StatusCode = attempt <= Query(context, "fail", 1) ? 500 : 200;
                await response.WriteAsync("flaky", aborted);
                return;
            case "/retry-after":
                response.StatusCode = 429;
                response.Headers.RetryAfter = "1";
                return;
            case "/hang":
                Interlocked.Increment(ref _hanging);
                Changed();
                await Task.Delay(Timeout.Infinite, aborted);
                return;
            case "/trickle":
                response.ContentLength = 1_000_000;
                while (true)
                {
                    await response.Body.WriteAsync("x"u8.ToArray(), aborted);
                    await response.Body.FlushAsync(aborted);
                    await Task.Delay(20, aborted);
                }

            case "/big":
                await WriteBytesAsync(response, Query(context, "size", 1_000_000), chunked: Query(context, "chunked", 0) == 1, aborted);
                return;
            case "/loop/a":
                response.Redirect("/loop/b");
                return;
            case "/loop/b":
                response.Redirect("/loop/a");
                return;
            case "/redirect":
                response.Redirect(request.Query["to"].ToString());
                return;
            case "/gate":
                await PassGateAsync(Query(context, "open", 1), aborted);
                await response.WriteAsync("passed", aborted);
                return;
            default:
                break;
        }

        if (path.StartsWith("/status/", StringComparison.Ordinal))
        {
            response.StatusCode = int.Parse(path["/status/".Length..], CultureInfo.InvariantCulture);
        }
        else if (path.StartsWith("/chain/", StringComparison.Ordinal))
        {
            response.Redirect($"/chain/{int.Parse(path["/chain/".Length..], CultureInfo.InvariantCulture) + 1}");
        }
        else if (path.StartsWith("/upload/", StringComparison.Ordinal) && request.Method is "PUT" or "POST")
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[65536];
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer, aborted)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                total += read;
            }

            Uploads[Uri.UnescapeDataString(path["/upload/".Length..])] = (Convert.ToHexStringLower(sha.GetHashAndReset()), request.Method, total);
            response.StatusCode = 201;
            Changed();
        }
        else
        {
            response.StatusCode = 404;
        }
    }

    private async Task PassGateAsync(int open, CancellationToken aborted)
    {
        if (Interlocked.Increment(ref _gateWaiting) >= open)
        {
            _gate.TrySetResult();
        }

        await _gate.Task.WaitAsync(aborted);
    }

    private static async Task WriteBytesAsync(HttpResponse response, int size, bool chunked, CancellationToken aborted)
    {
        var body = Encoding.ASCII.GetBytes(new string('g', size));
        if (!chunked)
        {
            response.ContentLength = size;
        }

        await response.Body.WriteAsync(body, aborted);
    }
}
