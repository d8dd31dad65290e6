using Grid.Stored;

namespace Grid.Hosting;

/// <summary>Prepares the job store before the silo takes calls (its schema created or migrated, or the silo refuses to start) and runs the silo's share of the stored jobs while it is active.</summary>
internal sealed class StoredJobLifecycle(StoredJobRunner runner) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(StoredJobLifecycle) + ".Schema", ServiceLifecycleStage.ApplicationServices, runner.PrepareAsync, _ => Task.CompletedTask);

        // Stopping runs first on the way down, while grains still take calls: the runs end, and their jobs' leases pass to other silos.
        lifecycle.Subscribe(nameof(StoredJobLifecycle) + ".Runs", ServiceLifecycleStage.Active, _ => { runner.Start(); return Task.CompletedTask; }, _ => runner.StopAsync());
    }
}
