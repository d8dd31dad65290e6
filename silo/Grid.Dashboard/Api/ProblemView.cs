namespace Grid.Dashboard.Api;

/// <summary>The body of a refused request: one sentence saying why.</summary>
/// <param name="Error">Why the request was refused.</param>
internal sealed record ProblemView(string Error);
