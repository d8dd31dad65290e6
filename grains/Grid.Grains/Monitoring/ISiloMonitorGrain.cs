namespace Grid.Monitoring;

/// <summary>One silo's dashboard data, read from any silo: its grain lives on the silo its key names (<see cref="SiloMonitors.Of"/>), and every call only copies what the silo's <see cref="JobMonitor"/> keeps.</summary>
public interface ISiloMonitorGrain : IGrainWithStringKey
{
    /// <summary>Gets the silo's jobs, errors and <paramref name="seconds"/> seconds of throughput.</summary>
    Task<SiloActivity> GetActivityAsync(int seconds);

    /// <summary>Gets a job of the silo with its chunk time line, or <see langword="null"/> when the silo does not keep it.</summary>
    Task<JobDetail?> GetJobAsync(Guid jobId);
}
