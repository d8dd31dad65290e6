using Grid.Cli;
using Grid.Cli.Commands;
using Grid.Client;

namespace Grid.Tests.Cli;

/// <summary>Runs the grid app in-process over string writers, as a redirected terminal would see it.</summary>
internal static class CliRunner
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public static Task<CliResult> RunAsync(string[] args, CancellationToken cancellationToken) => RunAsync(args, connectCluster: null, cancellationToken);

    /// <summary>Runs the app with <paramref name="connectCluster"/> standing in for the Redis of a <c>--cluster</c> (see <see cref="CliContext.ConnectCluster"/>).</summary>
    public static Task<CliResult> RunAsync(string[] args, Func<RunSettings, CancellationToken, Task<GridClient>>? connectCluster, CancellationToken cancellationToken)
        => RunAsync(args, connectCluster, TimeProvider.System, cancellationToken);

    /// <summary>Runs the app with <paramref name="timeProvider"/> as the clock that times serial runs and benchmarks (see <see cref="CliContext.TimeProvider"/>).</summary>
    public static Task<CliResult> RunAsync(string[] args, TimeProvider timeProvider) => RunAsync(args, connectCluster: null, timeProvider, CancellationToken.None);

    private static async Task<CliResult> RunAsync(
        string[] args, Func<RunSettings, CancellationToken, Task<GridClient>>? connectCluster, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr, interactive: false, timeProvider) { ConnectCluster = connectCluster };
        var exitCode = await GridApp.RunAsync(args, context, cancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }
}
