namespace Grid.Tests.Cli;

/// <summary>What one run of the app wrote and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] OutLines => Split(Out);

    public string[] ErrorLines => Split(Error);

    /// <summary>Gets the output lines before the closing <c>done:</c> line.</summary>
    public string[] ResultLines => OutLines.Where(line => !line.StartsWith("done:", StringComparison.Ordinal)).ToArray();

    private static string[] Split(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToArray();
}
