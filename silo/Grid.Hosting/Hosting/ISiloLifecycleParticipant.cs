namespace Grid.Hosting;

/// <summary>A component that starts and stops with the silo, embedded or hosted (the dashboard, telemetry export); register it as a singleton of this interface.</summary>
public interface ISiloLifecycleParticipant
{
    /// <summary>Starts the component, after the silo has started.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Runs when the silo begins to stop, while its grains still take calls: a component that feeds grains work stops feeding them here and lets what runs finish.</summary>
    /// <remarks>The default does nothing.</remarks>
    Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops the component, after the silo has stopped its grains (so their last spans are still exported).</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
