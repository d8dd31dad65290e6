namespace Grid.Dashboard.Api;

/// <summary>The items one silo's workers ran per second, of any job, wherever the job's grain lives.</summary>
/// <param name="Silo">The silo's name.</param>
/// <param name="Points">One point per second, oldest first.</param>
internal sealed record SiloThroughputView(string Silo, IReadOnlyList<ThroughputPointView> Points);
