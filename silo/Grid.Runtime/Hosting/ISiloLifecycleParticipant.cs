namespace Grid.Runtime.Hosting;

/// <summary>A component that starts and stops with the silo, embedded or hosted (the dashboard, telemetry export); register it as a singleton of this interface.</summary>
public interface ISiloLifecycleParticipant
{
    /// <summary>Starts the component, after the silo has started.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops the component, before the silo stops its grains.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
