using System.CommandLine;
using System.CommandLine.Invocation;
using Grid.Cli.Commands;
using Grid.Cli.Output;

namespace Grid.Cli;

/// <summary>The grid command-line app, runnable in-process: it writes only to the writers it is given and returns the exit code.</summary>
internal static class GridApp
{
    /// <summary>Runs the app with output that is not a terminal (no progress bar, no ANSI codes), as tests and pipes see it.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
        => RunAsync(args, stdout, stderr, interactive: false, cancellationToken);

    /// <summary>Runs the app; <paramref name="interactive"/> says whether <paramref name="stdout"/> is a terminal a person watches.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return RunAsync(args, new CliContext(stdout, stderr, interactive, TimeProvider.System), cancellationToken);
    }

    /// <summary>Runs the app in <paramref name="context"/>, which says where it writes and, for tests, how it reaches a cluster.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var stdout = context.Out;
        var stderr = context.Error;
        if (args.Length == 0)
        {
            stderr.WriteLine("grid: no command given; try 'grid --help'");
            return ExitCodes.Usage;
        }

        var parseResult = CreateRootCommand(context).Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            // System.CommandLine would print every error and the help; one line that names the first mistake reads better.
            stderr.WriteLine($"grid: {FirstError(parseResult)}");
            return ExitCodes.Usage;
        }

        try
        {
            return await parseResult.InvokeAsync(
                new InvocationConfiguration
                {
                    Output = stdout,
                    Error = stderr,
                    EnableDefaultExceptionHandler = false,

                    // Program.cs turns Ctrl+C into the token given here; the library must not install a handler of its own.
                    ProcessTerminationTimeout = null,
                },
                cancellationToken);
        }
        catch (UsageException e)
        {
            stderr.WriteLine(e.Message);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("grid: cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is GridException or JobTimeoutException)
        {
            stderr.WriteLine($"grid: {JobOutput.FirstLine(e.Message)}");
            return ExitCodes.ItemsFailed;
        }
#pragma warning disable CA1031 // The promise is one line on stderr and never a stack trace, whatever went wrong.
        catch (Exception e)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"grid: unexpected {e.GetType().Name}: {JobOutput.FirstLine(e.Message)}");
            return ExitCodes.ItemsFailed;
        }
    }

    /// <summary>Creates the root command with its global options and every subcommand.</summary>
    internal static RootCommand CreateRootCommand(CliContext context)
    {
        var global = new GlobalOptions();
        var root = new RootCommand(
            "Run Grid's kernels on an embedded silo or a cluster and get every result as it completes.\n\n"
            + "The kernel commands (primes, pi, transform, bench) also take --retries N, --retry-timeouts and --retry-crashes, "
            + "which run failed items again; see 'grid primes --help'. --hard-item-timeout and --max-failures apply to them only.\n\n"
            + "On a cluster whose silos keep a job store, primes, pi and transform take --detach: the job is stored and runs without this command; "
            + "'grid jobs' lists such jobs, 'grid attach ID' reads one's results, 'grid cancel ID' cancels it and 'grid forget ID' deletes it.\n\n"
            + ExitCodes.HelpText)
        {
            PrimesCommand.Create(context, global),
            PiCommand.Create(context, global),
            TransformCommand.Create(context, global),
            FetchCommand.Create(context, global),
            UploadCommand.Create(context, global),
            BenchCommand.Create(context, global),
            KernelsCommand.Create(context, global),
            StatusCommand.Create(context, global),
            JobsCommand.Create(context, global),
            AttachCommand.Create(context, global),
            CancelCommand.Create(context, global),
            ForgetCommand.Create(context, global),
        };
        global.AddTo(root);
        return root;
    }

    private static string FirstError(ParseResult parseResult)
    {
        // A stray word is the likeliest mistake, and the library reports it after "required command was not provided".
        if (parseResult.UnmatchedTokens is [var token, ..])
        {
            return token.StartsWith('-')
                ? $"unknown option '{token}'"
                : parseResult.CommandResult.Command is RootCommand root
                    ? $"unknown command '{token}'; commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))}"
                    : $"unexpected argument '{token}'";
        }

        return Tidy(parseResult.Errors[0].Message);
    }

    // The library's messages are sentences ("Unrecognized command or argument 'x'."); after "grid:" they read as clauses.
    private static string Tidy(string message)
    {
        var text = JobOutput.FirstLine(message).TrimEnd('.');
        return text.Length > 1 && char.IsUpper(text[0]) && char.IsLower(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
    }
}
