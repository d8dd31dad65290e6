using Grid.Jobs;

namespace Grid.Dashboard.Api;

/// <summary>One item that did not succeed, as the dashboard's error list shows it.</summary>
/// <param name="At">When its chunk finished.</param>
/// <param name="JobId">Its job.</param>
/// <param name="Kernel">Its job's kernel.</param>
/// <param name="Index">Its index in the job's input.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Type">The exception type.</param>
/// <param name="Message">Why it did not succeed.</param>
/// <param name="Silo">The silo its job grain lives on.</param>
internal sealed record ErrorView(DateTimeOffset At, Guid JobId, string Kernel, long Index, ItemStatus Status, string Type, string Message, string Silo);
