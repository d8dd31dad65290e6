using System.CommandLine;
using Grid.Cli.Parsing;

namespace Grid.Cli.Commands;

/// <summary>The options every command takes (<c>--json</c>, <c>--workers</c>, the time limits, <c>--ordered</c>), declared once on the root.</summary>
internal sealed class GlobalOptions
{
    /// <summary>The most workers a silo may run (<c>SiloOptions.MaxLocalWorkers</c> accepts up to this).</summary>
    public const int MaxWorkers = 4096;

    /// <summary>Gets the <c>--json</c> option.</summary>
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write JSON instead of text: one object per result line (JSON Lines), then a summary object.",
        Recursive = true,
    };

    /// <summary>Gets the <c>--workers</c> option.</summary>
    public Option<int?> Workers { get; } = new("--workers")
    {
        Description = "The most kernels the embedded silo runs at once (MaxLocalWorkers). Default: the number of cores.",
        HelpName = "N",
        Recursive = true,
        CustomParser = ValueParsers.PositiveInt("--workers", MaxWorkers),
    };

    /// <summary>Gets the <c>--item-timeout</c> option.</summary>
    public Option<TimeSpan?> ItemTimeout { get; } = new("--item-timeout")
    {
        Description = "Time limit of one item, in seconds; a slower item is reported as timed out.",
        HelpName = "SECONDS",
        Recursive = true,
        CustomParser = ValueParsers.Seconds("--item-timeout"),
    };

    /// <summary>Gets the <c>--timeout</c> option.</summary>
    public Option<TimeSpan?> Timeout { get; } = new("--timeout")
    {
        Description = "Time limit of the whole job, in seconds; unfinished items are then cancelled.",
        HelpName = "SECONDS",
        Recursive = true,
        CustomParser = ValueParsers.Seconds("--timeout"),
    };

    /// <summary>Gets the <c>--ordered</c> option.</summary>
    public Option<bool> Ordered { get; } = new("--ordered")
    {
        Description = "Print results in input order instead of as each completes.",
        Recursive = true,
    };

    /// <summary>Adds the options to the root command, from which every subcommand inherits them.</summary>
    public void AddTo(Command root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Options.Add(Json);
        root.Options.Add(Workers);
        root.Options.Add(ItemTimeout);
        root.Options.Add(Timeout);
        root.Options.Add(Ordered);
    }

    /// <summary>Reads the options' values from a parse result.</summary>
    public RunSettings Read(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new RunSettings(
            parseResult.GetValue(Json),
            parseResult.GetValue(Workers),
            parseResult.GetValue(ItemTimeout),
            parseResult.GetValue(Timeout),
            parseResult.GetValue(Ordered));
    }
}
