using Grid.Cli.Commands;
using Grid.Client;
using Spectre.Console;

namespace Grid.Cli;

/// <summary>Where one run of the grid command writes and what it may assume about its terminal; nothing in the app touches <see cref="Console"/>.</summary>
internal sealed class CliContext
{
    /// <summary>Creates the context of one run.</summary>
    public CliContext(TextWriter stdout, TextWriter stderr, bool interactive, TimeProvider timeProvider)
    {
        Out = stdout;
        Error = stderr;
        Interactive = interactive;
        TimeProvider = timeProvider;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(stdout),
        });
    }

    /// <summary>Gets the writer of results and summaries.</summary>
    public TextWriter Out { get; }

    /// <summary>Gets the writer of error lines.</summary>
    public TextWriter Error { get; }

    /// <summary>Gets whether standard output is a terminal a person watches, which is when the live progress bar is shown.</summary>
    public bool Interactive { get; }

    /// <summary>Gets the clock that times serial runs and benchmarks.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets the Spectre console over <see cref="Out"/>; it writes no ANSI codes unless <see cref="Interactive"/>.</summary>
    public IAnsiConsole Ansi { get; }

    /// <summary>Gets what connects the commands of detached jobs (<c>--detach</c>, <c>jobs</c>, <c>attach</c>, <c>cancel</c>, <c>forget</c>) to the <c>--cluster</c> instead of its Redis, or <see langword="null"/> (the default) for Redis.</summary>
    /// <remarks>Tests give the client of an in-process silo. The command disposes the client it gets, so this must give one that owns nothing (<see cref="GridClient.Create"/>).</remarks>
    public Func<RunSettings, CancellationToken, Task<GridClient>>? ConnectCluster { get; init; }

    /// <summary>Writes one line of output; through Spectre when interactive, so that it lands above a live progress bar.</summary>
    public void WriteLine(string line, bool isError = false)
    {
        if (Interactive)
        {
            Ansi.Write(new Text(line + Environment.NewLine, isError ? new Style(Color.Red) : Style.Plain));
        }
        else
        {
            Out.WriteLine(line);
        }
    }
}
