using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Grid.Benchmarks.Scenarios;

/// <summary>Runs every other scenario in a child process of its own, then writes their figures to <c>bench/RESULTS.md</c>.</summary>
/// <remarks>A process per scenario keeps each peak RSS and each JIT and thread-pool warm-up to itself.</remarks>
internal sealed class AllScenario(IReadOnlyList<IScenario> scenarios) : IScenario
{
    /// <summary>The command that reproduces the results file, as the file states it.</summary>
    public const string Command = "dotnet run -c Release --project bench/Grid.Benchmarks -- all";

    // Above this many cores taken by other processes, the results file warns that the CPU figures are not clean.
    private const double BusyNeighbours = 0.2;

    /// <inheritdoc />
    public string Name => "all";

    /// <inheritdoc />
    public string Description => "every scenario in its own process, figures written to bench/RESULTS.md [--only a,b] [--timeout-minutes 15] [--out path]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var only = args.GetString("only", string.Empty);
        var timeout = TimeSpan.FromMinutes(args.GetInt64("timeout-minutes", 15));
        var root = RepositoryRoot.Find();
        var output = Path.GetFullPath(args.GetString("out", Path.Combine(root, "bench", "RESULTS.md")));
        args.ThrowIfUnknownOptions();

        var selected = only.Length == 0
            ? scenarios
            : [.. only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => scenarios.FirstOrDefault(s => s.Name == n) ?? throw new ArgumentException($"No scenario named '{n}'.", nameof(args)))];

        var started = TimeProvider.System.GetUtcNow();
        var load = Measure.LoadAverage();
        var runs = new List<ChildRun>();
        foreach (var scenario in selected)
        {
            Console.WriteLine($"== {scenario.Name} (own process) ==");
            runs.Add(await RunChildAsync(scenario.Name, timeout, cancellationToken).ConfigureAwait(false));
            Console.WriteLine();
        }

        var markdown = Render(runs, started, load, root);
        await File.WriteAllTextAsync(output, markdown, cancellationToken).ConfigureAwait(false);

        Console.WriteLine("== summary ==");
        foreach (var result in runs.SelectMany(r => r.Results).Where(r => r.Passed is not null))
        {
            Console.WriteLine($"  {result.Name,-40} {result.FormatValue(),12} {result.Unit,-6} target {result.Target,-7} {(result.Passed == true ? "pass" : "MISS")}");
        }

        foreach (var run in runs.Where(r => r.ExitCode != 0))
        {
            Console.WriteLine($"  {run.Scenario,-40} exited with {run.ExitCode}{(run.TimedOut ? " (timed out)" : string.Empty)}");
        }

        Console.WriteLine($"Wrote {output}");
        return runs.All(r => r.ExitCode == 0) ? 0 : 1;
    }

    private static async Task<ChildRun> RunChildAsync(string scenario, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = ScenarioProcess.StartInfo(scenario);
        start.RedirectStandardError = true;

        var lines = new List<string>();
        var clock = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the '{scenario}' scenario.");
        var stdout = PumpAsync(process.StandardOutput, lines, Console.Out);
        var stderr = PumpAsync(process.StandardError, lines, Console.Error);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            lines.Add($"(stopped after {timeout.TotalMinutes} minutes)");
        }

        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(clock);
        List<string> output;
        lock (lines)
        {
            output = [.. lines];
        }

        var results = output.Select(ResultLine.TryParse).OfType<ResultLine>().ToList();
        return new ChildRun(scenario, timedOut ? -1 : process.ExitCode, timedOut, elapsed, results, output);
    }

    private static async Task PumpAsync(StreamReader reader, List<string> lines, TextWriter echo)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (lines)
            {
                lines.Add(line);
            }

            await echo.WriteLineAsync(line).ConfigureAwait(false);
        }
    }

    private static string Render(List<ChildRun> runs, DateTimeOffset started, string load, string root)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("# Grid benchmark results");
        md.AppendLine();
        md.AppendLine(inv, $"Written by `{Command}` (run from the repository root); each scenario ran in its own process, Release build.");
        md.AppendLine("What each scenario does is in [README.md](README.md).");
        md.AppendLine();
        md.AppendLine("## Machine");
        md.AppendLine();
        md.AppendLine(inv, $"- Date: {started:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine(inv, $"- Cores: {Environment.ProcessorCount} ({ReadProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString()})");
        md.AppendLine(inv, $"- Memory: {DescribeMemory()}");
        md.AppendLine(inv, $"- OS: {RuntimeInformation.OSDescription}");
        md.AppendLine(inv, $"- .NET: {RuntimeInformation.FrameworkDescription}, workstation non-concurrent GC");
        md.AppendLine(inv, $"- Commit: {DescribeCommit(root)}");
        md.AppendLine(inv, $"- Load average (1, 5, 15 min) when the run started: {load}; each scenario's block below shows it again at its own start");
        md.AppendLine();
        md.AppendLine("## Figures");
        md.AppendLine();
        md.AppendLine("| Scenario | Figure | Value | Target | Result |");
        md.AppendLine("|---|---|---:|---|---|");
        foreach (var run in runs)
        {
            if (run.Results.Count == 0)
            {
                md.AppendLine(inv, $"| {run.Scenario} | (no figures) | | | exit code {run.ExitCode}{(run.TimedOut ? ", timed out" : string.Empty)} |");
            }

            foreach (var r in run.Results)
            {
                var verdict = r.Passed switch { true => "pass", false => "**fail**", null => "" };
                var target = r.Target == "-" ? "" : $"{r.Target.Replace("<", "&lt;", StringComparison.Ordinal)} {r.Unit}";
                md.AppendLine(inv, $"| {r.Scenario} | {r.Figure} | {r.FormatValue()} {r.Unit} | {target} | {verdict} |");
            }
        }

        var busy = runs.SelectMany(r => r.Results).Where(r => r.Figure == "other-processes" && r.Value > BusyNeighbours).ToList();
        if (busy.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(inv, $"> The machine was shared: other processes kept {string.Join(", ", busy.Select(r => $"{r.FormatValue()} cores busy during {r.Scenario}"))} (of {Environment.ProcessorCount}). Time and speed-up figures of those scenarios understate Grid; rerun on a quiet machine before trusting a miss.");
        }

        md.AppendLine();
        md.AppendLine("## Output of each scenario");
        foreach (var run in runs)
        {
            md.AppendLine();
            md.AppendLine(inv, $"### {run.Scenario}");
            md.AppendLine();
            md.AppendLine(inv, $"Exit code {run.ExitCode}, {run.Elapsed.TotalSeconds:F1} s including the silo's start and stop. Reproduce alone: `dotnet run -c Release --project bench/Grid.Benchmarks -- {run.Scenario}`.");
            md.AppendLine();
            md.AppendLine("```text");
            foreach (var line in run.Output)
            {
                md.AppendLine(line);
            }

            md.AppendLine("```");
        }

        return md.ToString();
    }

    private static string? ReadProcField(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim();
    }

    private static string DescribeMemory()
    {
        // /proc/meminfo reads "MemTotal:       24683656 kB".
        var total = ReadProcField("/proc/meminfo", "MemTotal")?.Split(' ')[0];
        return long.TryParse(total, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kilobytes)
            ? string.Create(CultureInfo.InvariantCulture, $"{kilobytes / (1024.0 * 1024.0):F1} GB")
            : "unknown";
    }

    private static string DescribeCommit(string root)
    {
        var head = Git(root, "rev-parse --short HEAD");
        if (head is null)
        {
            return "unknown";
        }

        var dirty = Git(root, "status --porcelain --untracked-files=no");
        return string.IsNullOrWhiteSpace(dirty) ? head : $"{head} with uncommitted changes";
    }

    private static string? Git(string root, string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var git = Process.Start(start);
            if (git is null)
            {
                return null;
            }

            var text = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? text : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git on the machine: the results file just says so.
            return null;
        }
    }

    private sealed record ChildRun(string Scenario, int ExitCode, bool TimedOut, TimeSpan Elapsed, IReadOnlyList<ResultLine> Results, IReadOnlyList<string> Output);
}
