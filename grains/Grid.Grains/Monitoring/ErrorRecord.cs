using Grid.Jobs;

namespace Grid.Monitoring;

/// <summary>One item that did not succeed, as the dashboard lists it.</summary>
/// <param name="At">When its chunk finished.</param>
/// <param name="JobId">Its job.</param>
/// <param name="Kernel">Its job's kernel.</param>
/// <param name="Index">Its index in the job's input.</param>
/// <param name="Error">Why it did not succeed.</param>
[GenerateSerializer]
[Immutable]
public sealed record ErrorRecord(DateTimeOffset At, Guid JobId, string Kernel, long Index, ItemError Error);
