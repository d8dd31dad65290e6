using System.Text.Json;
using System.Text.Json.Serialization;

namespace Grid.Dashboard.Api;

/// <summary>Serializes the dashboard's API without reflection: camelCase names, enums as strings.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(IReadOnlyList<SiloView>))]
[JsonSerializable(typeof(IReadOnlyList<JobView>))]
[JsonSerializable(typeof(JobTraceView))]
[JsonSerializable(typeof(IReadOnlyList<ThroughputPointView>))]
[JsonSerializable(typeof(IReadOnlyList<ErrorView>))]
[JsonSerializable(typeof(IReadOnlyList<SiloThroughputView>))]
[JsonSerializable(typeof(DashboardUpdate))]
[JsonSerializable(typeof(StoredJobsView))]
[JsonSerializable(typeof(ProblemView))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
