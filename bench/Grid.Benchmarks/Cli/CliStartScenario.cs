using System.Diagnostics;
using System.Globalization;

namespace Grid.Benchmarks.Cli;

/// <summary>The <c>grid</c> command's start as a person meets it: <c>./grid primes 97</c> from process start to exit, an embedded silo and one result in between.</summary>
internal sealed class CliStartScenario : IScenario
{
    private const string Expected = "97 is prime";

    /// <inheritdoc />
    public string Name => "cli-start";

    /// <inheritdoc />
    public string Description => "./grid primes 97, process start to exit, after one untimed run that publishes the command if it is stale [--runs 14]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var runs = checked((int)args.GetInt64("runs", 14));
        args.ThrowIfUnknownOptions();
        if (runs < 1)
        {
            throw new ArgumentException("cli-start: --runs must be at least 1.");
        }

        var script = Path.Combine(RepositoryRoot.Find(), "grid");
        if (!File.Exists(script))
        {
            throw new ArgumentException($"cli-start: no grid script at {script}; run the benchmark from the repository.");
        }

        Measure.Header($"cli-start: {runs} runs of ./grid primes 97, process start to exit", workers: null);

        // The first run publishes the command when its sources changed since the last publish, and brings its files into the page cache.
        var (first, firstOk) = await RunOnceAsync(script, cancellationToken).ConfigureAwait(false);
        Measure.Line("untimed first run", $"{Measure.Seconds(first)}{(firstOk ? string.Empty : ", FAILED")}");
        var cpu = CpuSample.Take();
        var seconds = new double[runs];
        var failed = firstOk ? 0 : 1;
        for (var i = 0; i < runs; i++)
        {
            var (elapsed, ok) = await RunOnceAsync(script, cancellationToken).ConfigureAwait(false);
            seconds[i] = elapsed.TotalSeconds;
            failed += ok ? 0 : 1;
            Measure.Line($"run {i + 1}", $"{Measure.Seconds(elapsed)}{(ok ? string.Empty : ", FAILED")}");
        }

        var use = CpuSample.CoresSince(cpu);
        Array.Sort(seconds);
        Measure.Line("range", string.Create(CultureInfo.InvariantCulture, $"{seconds[0]:F3}-{seconds[^1]:F3} s"));
        Measure.Line("CPU while measuring", CpuSample.Describe(use));
        ResultLine[] results =
        [
            Measure.Report("cli-start.median", Measure.Median(seconds), "s", "<0.6", "process start to exit, median"),
            Measure.Report("cli-start.fastest", seconds[0], "s", "-", "fastest run"),
            Measure.Report("cli-start.slowest", seconds[^1], "s", "-", "slowest run"),
            Measure.Report("cli-start.failed-runs", failed, "runs", "=0", "runs that did not exit 0 with the verdict"),
            Measure.Report("cli-start.other-processes", use.Others ?? double.NaN, "cores", "-", "other processes' CPU, the grid runs among them"),
        ];
        Measure.PrintResults(results);
        return failed == 0 ? 0 : 1;
    }

    // One run: the time from starting the script to its exit, and whether it exited 0 having printed the verdict.
    private static async Task<(TimeSpan Elapsed, bool Ok)> RunOnceAsync(string script, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("primes");
        start.ArgumentList.Add("97");
        var began = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cli-start: {script} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var elapsed = Stopwatch.GetElapsedTime(began);
        var printed = await output.ConfigureAwait(false);
        var complaint = await errors.ConfigureAwait(false);
        var ok = process.ExitCode == 0 && printed.Contains(Expected, StringComparison.Ordinal);
        if (!ok)
        {
            await Console.Error.WriteLineAsync($"cli-start: ./grid primes 97 exited {process.ExitCode}: {printed.Trim()} {complaint.Trim()}").ConfigureAwait(false);
        }

        return (elapsed, ok);
    }
}
