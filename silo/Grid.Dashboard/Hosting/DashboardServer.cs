using Grid.Dashboard.Api;
using Grid.Dashboard.Events;
using Grid.Dashboard.Security;
using Grid.Dashboard.Web;
using Grid.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Grid.Dashboard.Hosting;

/// <summary>The dashboard's web server: a Kestrel application of its own that starts after the silo and stops before it.</summary>
/// <remarks>It is a separate <see cref="WebApplication"/> with no configuration sources of its own, so neither the silo's
/// <c>appsettings.json</c> nor <c>ASPNETCORE_URLS</c> can move it off the addresses in <see cref="DashboardOptions.Urls"/>.</remarks>
public sealed partial class DashboardServer : ISiloLifecycleParticipant, IAsyncDisposable
{
    private readonly DashboardOptions _options;
    private readonly DashboardReader _reader;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IConfiguration? _configuration;
    private readonly IServiceProvider _silo;
    private readonly ILogger<DashboardServer> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebApplication? _app;
    private int _disposed;

    internal DashboardServer(IOptions<DashboardOptions> options, DashboardReader reader, TimeProvider timeProvider, ILoggerFactory loggerFactory, IConfiguration? configuration, IServiceProvider silo)
    {
        _silo = silo;
        _options = options.Value;
        _reader = reader;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _configuration = configuration;
        _logger = loggerFactory.CreateLogger<DashboardServer>();
    }

    /// <summary>Gets the addresses the dashboard listens on once started, with the ports actually bound (port 0 in the settings becomes a free port).</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <summary>Starts listening; fails naming <c>Grid:Dashboard:Urls</c> when an address cannot be bound.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_app is not null)
            {
                return;
            }

            var app = Build();
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                await app.DisposeAsync().ConfigureAwait(false);
                if (exception is IOException or System.Net.Sockets.SocketException)
                {
                    throw new InvalidOperationException($"{DashboardOptions.SectionName}:Urls could not be bound ({_options.Urls}): {exception.Message}", exception);
                }

                throw;
            }

            _app = app;
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            Addresses = [.. addresses.Select(a => new Uri(a))];
            LogListening(_logger, string.Join(", ", Addresses), DashboardOptionsValidator.HasToken(_options));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends the event streams and stops listening, waiting for open requests until <paramref name="cancellationToken"/> is signalled.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_app is not { } app)
            {
                return;
            }

            _app = null;
            try
            {
                await app.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The silo's container may dispose this instance once per registration (itself and as a lifecycle participant).
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await StopAsync(grace.Token).ConfigureAwait(false);
        _gate.Dispose();
    }

    private WebApplication Build()
    {
        // An empty builder: no configuration files, no environment variables, no default logging; only what is set here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(DashboardServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = 256;
            kestrel.Limits.MaxRequestBodySize = 0;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
        });
        builder.WebHost.UseUrls([.. DashboardOptionsValidator.SplitUrls(_options.Urls)]);
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(_reader);
        builder.Services.AddSingleton(_timeProvider);
        builder.Services.AddSingleton<DashboardAssets>();
        builder.Services.AddSingleton<DashboardEventStream>();
        var orleans = _options.Orleans && OrleansDashboard.IsAddedTo(_silo);
        if (orleans)
        {
            OrleansDashboard.ShareServices(_silo, builder.Services);
        }

        // ASP.NET Core's own logs go to the silo's loggers at Warning and above, unless the silo's "Logging" settings name them.
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(_loggerFactory));
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        if (_configuration?.GetSection("Logging") is { } logging && logging.Exists())
        {
            builder.Logging.AddConfiguration(logging);
        }

        // This inner host's start and stop messages ("Now listening", "Press Ctrl+C") would read as the silo's own; the dashboard logs its address itself.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.None);

        // Request lines would carry ?access_token= into the log; whatever the settings say, they stay out.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        var app = builder.Build();
        var token = DashboardOptionsValidator.HasToken(_options) ? new AccessToken(_options.Token!) : null;
        app.Use(next => new DashboardGuard(next, token).InvokeAsync);
        app.UseRouting();
        app.MapDashboard(_reader, _silo.GetRequiredService<StoredJobsReader>(), app.Services.GetRequiredService<DashboardAssets>(), app.Services.GetRequiredService<DashboardEventStream>());
        if (orleans)
        {
            app.MapOrleansDashboard(OrleansDashboard.Path);
        }

        return app;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Dashboard listening on {Addresses} (access token required: {TokenRequired})")]
    private static partial void LogListening(ILogger logger, string addresses, bool tokenRequired);
}
