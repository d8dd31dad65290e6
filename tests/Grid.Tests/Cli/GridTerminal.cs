using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Grid.Tests.Cluster;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Cli;

/// <summary>Runs the grid command on a pseudo-terminal, as a person at a terminal runs it, and hands back what the terminal was sent.</summary>
/// <remarks>
/// util-linux's <c>script</c> (Debian's essential package bsdutils) opens the pseudo-terminal, runs the command on it and copies
/// everything written to it onto its own standard output, which the test reads. The terminal is sized with <c>stty</c> first,
/// as a real one is, and announces itself as <c>xterm-256color</c>.
/// </remarks>
internal static partial class GridTerminal
{
    /// <summary>The columns of the terminal: wide enough that no line the tests look at wraps.</summary>
    public const int Columns = 160;

    /// <summary>Runs <c>grid</c> with <paramref name="arguments"/> on an embedded silo on a pseudo-terminal until it exits.</summary>
    /// <returns>The exit code of grid and every character it sent to the terminal, escape sequences included.</returns>
    public static async Task<(int ExitCode, string Screen)> RunAsync(params string[] arguments)
    {
        var script = new ProcessStartInfo("script")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        var command = string.Create(CultureInfo.InvariantCulture, $"stty cols {Columns} rows 40 && exec ")
            + string.Join(' ', new[] { GridProcess.DotnetHost, GridProcess.ProgramFile }.Concat(arguments).Select(Quote));

        // -q: no "Script started" lines; -e: exit with the command's code; -c: the command; /dev/null: keep no typescript file.
        foreach (var argument in new[] { "-q", "-e", "-c", command, "/dev/null" })
        {
            script.ArgumentList.Add(argument);
        }

        // A person's terminal: no cluster (an embedded silo), colours allowed; and a known shell for script to run the command with.
        script.Environment["TERM"] = "xterm-256color";
        script.Environment["SHELL"] = "/bin/sh";
        foreach (var name in new[] { "GRID_CLUSTER", "GRID_CLUSTER_NAME", "NO_COLOR", "COLUMNS", "LINES" })
        {
            script.Environment.Remove(name);
        }

        using var process = await ChildProcessLauncher.StartAsync(script);
        process.StandardInput.Close();
        var screen = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await Task.WhenAll(screen, errors, process.WaitForExitAsync()).WaitAsync(TestLimits.Hang);
        Assert.True(await errors == string.Empty, $"script wrote to its standard error: {await errors}");
        return (process.ExitCode, await screen);
    }

    /// <summary>Removes the escape sequences (cursor moves, colours, modes) from what a terminal was sent, leaving its text.</summary>
    public static string Text(string screen) => EscapeSequence().Replace(screen, string.Empty);

    /// <summary>Gets the lines a person sees scroll by: for each line of <paramref name="screen"/>'s text, what is left after the
    /// carriage returns that wrote over it, without blank ones.</summary>
    /// <remarks>A live display clears a line with spaces and a carriage return before it writes there; the last text written wins.</remarks>
    public static IReadOnlyList<string> Lines(string screen) =>
        Text(screen).Split('\n')
            .Select(line => line.Split('\r').Select(part => part.Trim()).LastOrDefault(part => part.Length > 0))
            .OfType<string>()
            .ToList();

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // CSI sequences (ESC [ parameters final byte) and the two-character ones such as ESC = (keypad mode).
    [GeneratedRegex(@"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[=>]")]
    private static partial Regex EscapeSequence();
}
