using System.CommandLine;
using Grid.Cli.Parsing;
using Grid.Jobs;

namespace Grid.Cli.Commands;

/// <summary>The options of the kernel commands (<c>primes</c>, <c>pi</c>, <c>transform</c>, <c>bench</c>) that make the job's retry policy: <c>--retries</c>, <c>--retry-timeouts</c>, <c>--retry-crashes</c>.</summary>
/// <remarks>They are the kernel commands' own, not global: <c>grid fetch</c> and <c>grid upload</c> have a <c>--retries</c> of their own, for HTTP requests.</remarks>
internal sealed class KernelJobArguments
{
    /// <summary>The most retries <c>--retries</c> takes.</summary>
    public const int MaxRetries = 100;

    /// <summary>Gets the <c>--retries</c> option.</summary>
    public Option<int?> Retries { get; } = new("--retries")
    {
        Description = "Run an item that failed again, up to N more times, whatever its error (after 0.1 s, doubling up to 10 s between attempts); "
            + "0 turns off the kernel's own retries. Default: the kernel's own retry policy, if it has one.",
        HelpName = "N",
        CustomParser = ValueParsers.NonNegativeInt("--retries", MaxRetries),
    };

    /// <summary>Gets the <c>--retry-timeouts</c> option.</summary>
    public Option<bool> RetryTimeouts { get; } = new("--retry-timeouts")
    {
        Description = "With --retries: also run again an item stopped by its time limit (--item-timeout or --hard-item-timeout).",
    };

    /// <summary>Gets the <c>--retry-crashes</c> option.</summary>
    public Option<bool> RetryCrashes { get; } = new("--retry-crashes")
    {
        Description = "With --retries: also run again an item whose worker process died under it (a process-isolated kernel that crashed or passed its memory limit).",
    };

    /// <summary>Adds the options to <paramref name="command"/>, with the check that the flags come with <c>--retries</c>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Retries);
        command.Options.Add(RetryTimeouts);
        command.Options.Add(RetryCrashes);
        command.Validators.Add(result =>
        {
            if (result.GetResult(Retries) is not null)
            {
                return;
            }

            // A job's policy replaces the kernel's whole, so a flag alone cannot add to the kernel's policy; it needs the count.
            foreach (var flag in new[] { RetryTimeouts, RetryCrashes })
            {
                if (result.GetValue(flag))
                {
                    result.AddError($"{flag.Name} needs --retries N, the extra attempts an item may have");
                    return;
                }
            }
        });
    }

    /// <summary>Returns <paramref name="settings"/> with the retry policy the options make, when <c>--retries</c> was given.</summary>
    public RunSettings Apply(ParseResult parseResult, RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(settings);
        return parseResult.GetValue(Retries) is { } retries
            ? settings with
            {
                Retry = new RetryPolicy
                {
                    MaxAttempts = retries + 1,
                    RetryTimeouts = parseResult.GetValue(RetryTimeouts),
                    RetryCrashes = parseResult.GetValue(RetryCrashes),
                },
            }
            : settings;
    }
}
