using Grid.Kernels;
using Microsoft.Extensions.Logging;

namespace Grid.Stored;

/// <summary>Runs stored jobs on this silo without any client: takes queued and orphaned jobs under a lease, renews the leases, passes cancellations on, and sweeps out jobs past their retention.</summary>
/// <remarks>
/// <para>
/// Every <see cref="StoredJobOptions.PollInterval"/> it renews the leases of the jobs it runs (a job whose lease it lost to another silo
/// stops here at once), then takes up to <see cref="StoredJobOptions.MaxOwnedJobs"/> in all: queued jobs, and running jobs whose lease
/// has passed or whose owner Orleans membership declared dead, so a job whose silo died runs on elsewhere within seconds. The store's
/// row lock makes the take-over atomic: of two silos that race for one job, one gets it.
/// </para>
/// <para>
/// A job whose kernel this silo does not have is given back at once and left for a silo that has it.
/// </para>
/// </remarks>
internal sealed partial class StoredJobRunner(
    JobStore store,
    IGrainFactory grains,
    KernelRegistry kernels,
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IGridSilo silo,
    ILogger<StoredJobRunner> logger)
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan UnknownKernelPause = TimeSpan.FromMinutes(1);
    private readonly Dictionary<Guid, (StoredJobRun Run, Task Task)> _runs = [];
    private readonly Dictionary<Guid, DateTimeOffset> _skipped = [];
    private CancellationTokenSource? _stop;
    private bool _storeLost;
    private int _missedRounds;
    private Task? _loop;

    private string Owner => local.SiloAddress.ToParsableString();

    /// <summary>Creates or migrates the store's schema; throws naming both versions when the store's is newer than this silo knows.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (store.IsConfigured)
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts taking jobs, when the silo has a job store.</summary>
    public void Start()
    {
        if (!store.IsConfigured || _loop is not null)
        {
            return;
        }

        _stop = new CancellationTokenSource();
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    /// <summary>Stops taking jobs and ends the runs of this silo; their leases pass, and other silos take the jobs over.</summary>
    public async Task StopAsync()
    {
        if (_stop is null || _loop is null)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        foreach (var (run, _) in _runs.Values)
        {
            run.LoseLease();
        }

        await Task.WhenAll(_runs.Values.Select(r => r.Task)).ConfigureAwait(false);
        _runs.Clear();
        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var nextSweep = DateTimeOffset.UtcNow;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RenewAsync(cancellationToken).ConfigureAwait(false);
                await ClaimAsync(cancellationToken).ConfigureAwait(false);
                if (DateTimeOffset.UtcNow >= nextSweep)
                {
                    nextSweep = DateTimeOffset.UtcNow + SweepInterval;
                    var deleted = await store.SweepAsync(cancellationToken).ConfigureAwait(false);
                    if (deleted > 0)
                    {
                        LogSwept(logger, deleted);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The store cannot be reached for now (a restart of PostgreSQL): try again next round, logging it once; runs and live
                // jobs keep going meanwhile.
                if (!_storeLost)
                {
                    _storeLost = true;
                    LogStoreUnavailable(logger, exception, exception.Message);
                }

                await Backoff(cancellationToken).ConfigureAwait(false);
                continue;
            }

            _missedRounds = 0;
            if (_storeLost)
            {
                _storeLost = false;
                LogStoreBack(logger);
            }

            try
            {
                await Task.Delay(store.Options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, entry) in _runs.Where(r => r.Value.Task.IsCompleted).ToList())
        {
            _runs.Remove(id);
            if (entry.Run.Failed)
            {
                // The job did not end: give its lease back now rather than when it passes, so a silo takes it again next round.
                await store.ReleaseAsync(id, Owner, entry.Run.Epoch, cancellationToken).ConfigureAwait(false);
            }
        }

        if (_runs.Count == 0)
        {
            return;
        }

        var held = await store.RenewAsync(Owner, _runs.ToDictionary(r => r.Key, r => r.Value.Run.Epoch), cancellationToken).ConfigureAwait(false);
        foreach (var (id, (run, _)) in _runs)
        {
            if (!held.TryGetValue(id, out var cancelReason))
            {
                LogLeaseLost(logger, id);
                run.LoseLease();
            }
            else if (cancelReason is not null)
            {
                run.Cancel(cancelReason);
            }
        }
    }

    private async Task ClaimAsync(CancellationToken cancellationToken)
    {
        var room = store.Options.MaxOwnedJobs - _runs.Count;
        if (room <= 0)
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        foreach (var id in _skipped.Where(s => s.Value <= now).Select(s => s.Key).ToList())
        {
            _skipped.Remove(id);
        }

        var dead = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Dead)
            .Select(m => m.SiloAddress.ToParsableString())
            .ToList();
        var claimed = await store.ClaimAsync(Owner, silo.SiloName, room, dead, [.. _skipped.Keys, .. _runs.Keys], cancellationToken).ConfigureAwait(false);
        foreach (var claim in claimed)
        {
            if (kernels.Kernels.FirstOrDefault(k => string.Equals(k.Name, claim.Kernel, StringComparison.Ordinal)) is not { } kernel)
            {
                LogUnknownKernel(logger, claim.JobId, claim.Kernel);
                _skipped[claim.JobId] = now + UnknownKernelPause;
                await store.ReleaseAsync(claim.JobId, Owner, claim.Epoch, cancellationToken).ConfigureAwait(false);
                continue;
            }

            LogClaimed(logger, claim.JobId, claim.Epoch, claim.Stored, claim.Total);
            var run = new StoredJobRun(claim, store, grains, kernel, Owner, logger);
            _runs[claim.JobId] = (run, Task.Run(run.RunAsync, CancellationToken.None));
        }
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "Took stored job {JobId} (run {Epoch}): {Stored} of {Total} items have stored results")]
    private static partial void LogClaimed(ILogger logger, Guid jobId, int epoch, long stored, long total);

    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, Message = "Stored job {JobId}: another silo holds its lease now, so this silo's run stops")]
    private static partial void LogLeaseLost(ILogger logger, Guid jobId);

    [LoggerMessage(EventId = 412, Level = LogLevel.Warning, Message = "The job store cannot be reached; trying again with backoff until it answers: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception, string reason);

    [LoggerMessage(EventId = 415, Level = LogLevel.Information, Message = "The job store answers again")]
    private static partial void LogStoreBack(ILogger logger);

    // While the store is away, rounds come further apart, up to ten poll intervals.
    private async Task Backoff(CancellationToken cancellationToken)
    {
        _missedRounds = Math.Min(_missedRounds + 1, 10);
        try
        {
            await Task.Delay(store.Options.PollInterval * _missedRounds, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 413, Level = LogLevel.Information, Message = "Stored job {JobId} runs kernel '{Kernel}', which this silo does not have; left for a silo that has it")]
    private static partial void LogUnknownKernel(ILogger logger, Guid jobId, string kernel);

    [LoggerMessage(EventId = 414, Level = LogLevel.Information, Message = "Deleted {Count} stored jobs past their retention")]
    private static partial void LogSwept(ILogger logger, int count);
}
