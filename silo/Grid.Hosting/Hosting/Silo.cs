using Grid.Runtime.Activation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grid.Runtime.Hosting;

/// <summary>A running silo: hosts the catalog of activations and collects idle ones until it is stopped.</summary>
public sealed partial class Silo : IAsyncDisposable
{
    private readonly Catalog _catalog;
    private readonly SiloOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<Silo> _logger;
    private readonly IReadOnlyList<ISiloLifecycleParticipant> _participants;
    private readonly CancellationTokenSource _stopping = new();
    private Task _collector = Task.CompletedTask;
    private int _state;

    internal Silo(
        Catalog catalog,
        IOptions<SiloOptions> options,
        TimeProvider timeProvider,
        IEnumerable<ISiloLifecycleParticipant> participants,
        ILogger<Silo> logger)
    {
        _participants = [.. participants];
        _catalog = catalog;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Gets the silo's name.</summary>
    public string Name => _options.Name;

    /// <summary>Gets the grain factory for calls into this silo.</summary>
    public IGrainFactory GrainFactory => _catalog.GrainFactory;

    internal Catalog Catalog => _catalog;

    /// <summary>Starts collecting idle activations; grains activate on their first call whether or not the silo was started.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return;
        }

        _collector = CollectAsync(_stopping.Token);
        foreach (var participant in _participants)
        {
            await participant.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        LogStarted(_logger, Name, _options.MaxLocalWorkers);
    }

    /// <summary>Refuses new calls and deactivates every grain, waiting for running turns until <paramref name="cancellationToken"/> is signalled.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _collector.ConfigureAwait(false);
        try
        {
            // First, while grains still take calls, so that a participant feeding them work (a cluster member) stops taking it and lets what runs finish.
            foreach (var participant in _participants.Reverse())
            {
                try
                {
                    await participant.StoppingAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    LogParticipantStopFailed(_logger, exception, participant.GetType().Name);
                }
            }

            await StopGrainsAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // After the grains, so the spans their last turns end are still exported; each on its own, so one failure stops no other.
            foreach (var participant in _participants.Reverse())
            {
                try
                {
                    await participant.StopAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    LogParticipantStopFailed(_logger, exception, participant.GetType().Name);
                }
            }
        }
    }

    private async Task StopGrainsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _catalog.StopAsync(cancellationToken).ConfigureAwait(false);
            LogStopped(_logger, Name);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogStopTimedOut(_logger, Name);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await StopAsync(grace.Token).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task CollectAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.CollectionInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                _catalog.CollectIdle();
            }
        }
        catch (OperationCanceledException)
        {
            // The silo is stopping.
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Silo {Silo} started with up to {Workers} workers per stateless worker grain")]
    private static partial void LogStarted(ILogger logger, string silo, int workers);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Silo {Silo} stopped")]
    private static partial void LogStopped(ILogger logger, string silo);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "{Participant} failed to stop")]
    private static partial void LogParticipantStopFailed(ILogger logger, Exception exception, string participant);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Silo {Silo} stopped before every grain had finished its turn")]
    private static partial void LogStopTimedOut(ILogger logger, string silo);
}
