using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Grid.Cli.Parsing;

namespace Grid.Cli.Commands;

/// <summary>The options every command takes (<c>--json</c>, <c>--workers</c>, the time limits, <c>--max-failures</c>, <c>--ordered</c>, the cluster's), declared once on the root.</summary>
internal sealed class GlobalOptions
{
    /// <summary>The most workers a silo may run (<c>SiloOptions.MaxLocalWorkers</c> accepts up to this).</summary>
    public const int MaxWorkers = 4096;

    /// <summary>Creates the options, with the check that the hard time limit of an item is not below its soft one.</summary>
    public GlobalOptions()
    {
        HardItemTimeout.Validators.Add(result =>
        {
            // Either value may be malformed, with its own error already; the check across the two then has nothing to compare.
            if (Seconds(result) is { } hard && result.GetResult(ItemTimeout) is { } itemTimeout && Seconds(itemTimeout) is { } soft && hard < soft)
            {
                result.AddError(string.Create(
                    CultureInfo.InvariantCulture,
                    $"--hard-item-timeout ({hard.TotalSeconds} s) must not be shorter than --item-timeout ({soft.TotalSeconds} s): the soft limit signals the kernel first, the hard limit then abandons it"));
            }
        });
        ClusterCa.Validators.Add(result =>
        {
            if (!HasCluster(result))
            {
                result.AddError($"--cluster-ca is the CA of a cluster's Redis over TLS: give the cluster too (--cluster host:port,password=...,ssl=true or {ClusterVariable})");
            }
        });
    }

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

    /// <summary>Gets the <c>--hard-item-timeout</c> option.</summary>
    public Option<TimeSpan?> HardItemTimeout { get; } = new("--hard-item-timeout")
    {
        Description = "Hard time limit of one item, in seconds, for kernels that ignore the soft one: past it the item is timed out (hard-timeout) "
            + "and its kernel abandoned, or its worker process killed if the kernel is process-isolated. Not below --item-timeout. Default: only the kernel's own hard limit. Kernel commands only.",
        HelpName = "SECONDS",
        Recursive = true,
        CustomParser = ValueParsers.Seconds("--hard-item-timeout"),
    };

    /// <summary>Gets the <c>--max-failures</c> option.</summary>
    public Option<long?> MaxFailures { get; } = new("--max-failures")
    {
        Description = "Stop the job early once more than N items have finally failed or timed out (after their retries): items not yet run are cancelled "
            + "and the exit code is 1; 0 stops at the first failure. Default: no limit. Kernel commands only.",
        HelpName = "N",
        Recursive = true,
        CustomParser = ValueParsers.NonNegative("--max-failures"),
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

    /// <summary>The environment variable that holds the cluster's Redis connection string when <c>--cluster</c> is not given.</summary>
    public const string ClusterVariable = "GRID_CLUSTER";

    /// <summary>The environment variable that names the CA file of the cluster's Redis over TLS when <c>--cluster-ca</c> is not given.</summary>
    public const string ClusterCaVariable = "GRID_CLUSTER_CA";

    /// <summary>The environment variable that names the cluster when <c>--cluster-name</c> is not given.</summary>
    public const string ClusterNameVariable = "GRID_CLUSTER_NAME";

    /// <summary>Gets the <c>--cluster</c> option.</summary>
    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = $"Run on a cluster of silos instead of an embedded one: the Redis connection string of its membership, host:port,password=... (add ,ssl=true for TLS). Default: the {ClusterVariable} environment variable.",
        HelpName = "CONNECTION",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (text is not null && Grid.Client.Cluster.RedisConnection.ConnectionError(text) is { } error)
            {
                result.AddError($"--cluster {error}");
            }

            return text;
        },
    };

    /// <summary>Gets the <c>--cluster-ca</c> option.</summary>
    public Option<string?> ClusterCa { get; } = new("--cluster-ca")
    {
        Description = "For a --cluster over TLS (ssl=true) behind a private CA: a PEM file of the CA certificates the Redis server's certificate must chain to, "
            + $"trusted instead of the system's CAs. Default: the {ClusterCaVariable} environment variable, else the system's CAs.",
        HelpName = "FILE",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (text is not null && Grid.Client.Cluster.RedisConnection.CaFileError(text) is { } error)
            {
                result.AddError($"--cluster-ca {error}");
            }

            return text;
        },
    };

    /// <summary>Gets the <c>--cluster-name</c> option.</summary>
    public Option<string?> ClusterName { get; } = new("--cluster-name")
    {
        Description = $"The cluster's name (its silos' Grid:Cluster:Name). Default: the {ClusterNameVariable} environment variable, else 'grid'.",
        HelpName = "NAME",
        Recursive = true,
    };

    /// <summary>Adds the options to the root command, from which every subcommand inherits them.</summary>
    public void AddTo(Command root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Options.Add(Json);
        root.Options.Add(Workers);
        root.Options.Add(ItemTimeout);
        root.Options.Add(HardItemTimeout);
        root.Options.Add(MaxFailures);
        root.Options.Add(Timeout);
        root.Options.Add(Ordered);
        root.Options.Add(Cluster);
        root.Options.Add(ClusterCa);
        root.Options.Add(ClusterName);
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
            parseResult.GetValue(Ordered))
        {
            Cluster = parseResult.GetValue(Cluster) ?? NonEmpty(Environment.GetEnvironmentVariable(ClusterVariable)),
            ClusterName = parseResult.GetValue(ClusterName) ?? NonEmpty(Environment.GetEnvironmentVariable(ClusterNameVariable)) ?? "grid",
            ClusterCa = parseResult.GetValue(ClusterCa) ?? NonEmpty(Environment.GetEnvironmentVariable(ClusterCaVariable)),
            HardItemTimeout = parseResult.GetValue(HardItemTimeout),
            MaxFailures = parseResult.GetValue(MaxFailures),
        };
    }

    /// <summary>Makes <paramref name="command"/>, whose jobs are not kernel maps (fetch, upload), refuse the options only kernel jobs honour.</summary>
    public void RejectKernelLimits(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Validators.Add(result =>
        {
            foreach (var option in new Option[] { HardItemTimeout, MaxFailures })
            {
                if (result.GetResult(option) is not null)
                {
                    result.AddError($"{option.Name} applies to the kernel commands (primes, pi, transform, bench), not to {command.Name}");
                    return;
                }
            }
        });
    }

    /// <summary>Gets whether the command line names a cluster, with <c>--cluster</c> or <c>GRID_CLUSTER</c>.</summary>
    public bool HasCluster(SymbolResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.GetResult(Cluster) is not null || NonEmpty(Environment.GetEnvironmentVariable(ClusterVariable)) is not null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static TimeSpan? Seconds(OptionResult result)
        => result.Tokens is [var token] && ValueParsers.TrySeconds(token.Value, out var value, out _) ? value : null;
}
