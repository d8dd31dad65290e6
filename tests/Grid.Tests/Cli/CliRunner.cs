using Grid.Cli;

namespace Grid.Tests.Cli;

/// <summary>Runs the grid app in-process over string writers, as a redirected terminal would see it.</summary>
internal static class CliRunner
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public static async Task<CliResult> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await GridApp.RunAsync(args, stdout, stderr, cancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>What one run of the app wrote and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] OutLines => Split(Out);

    public string[] ErrorLines => Split(Error);

    /// <summary>Gets the output lines before the closing <c>done:</c> line.</summary>
    public string[] ResultLines => OutLines.Where(line => !line.StartsWith("done:", StringComparison.Ordinal)).ToArray();

    private static string[] Split(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToArray();
}

/// <summary>The CLI tests that start an embedded silo run one at a time, so that CPU-bound jobs do not compete with each other.</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddedSiloCollection
{
    public const string Name = "grid CLI on an embedded silo";
}
