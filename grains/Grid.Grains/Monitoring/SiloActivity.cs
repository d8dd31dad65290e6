namespace Grid.Monitoring;

/// <summary>What one silo's monitor holds at one moment, as it travels to a dashboard on any silo: bounded by the monitor's limits.</summary>
/// <param name="Silo">The silo's name.</param>
/// <param name="At">When it was taken, on the silo's clock.</param>
/// <param name="Jobs">The jobs whose grain lives on the silo: running ones newest first, then finished ones (at most <see cref="JobMonitor.MaxActivityJobs"/>).</param>
/// <param name="Errors">The latest item errors of those jobs, newest first, without detail.</param>
/// <param name="Settled">Items of those jobs that finished per second, wherever they ran, oldest first.</param>
/// <param name="Ran">Items the silo's own workers ran per second, of any job, oldest first.</param>
[GenerateSerializer]
[Immutable]
public sealed record SiloActivity(string Silo, DateTimeOffset At, JobSnapshot[] Jobs, ErrorRecord[] Errors, ThroughputPoint[] Settled, ThroughputPoint[] Ran);
