using System.Globalization;
using Grid.Benchmarks.Inputs;
using Grid.Client;
using Grid.Jobs;
using Grid.Kernels;
using Grid.Kernels.BuiltIn;

namespace Grid.Benchmarks.Scenarios;

/// <summary>CPU scaling: the is-prime kernel over the same numbers run serially, with Parallel.ForEach and through a Grid map.</summary>
internal sealed class ScalingScenario : IScenario
{
    // The warm-up runs each way over this many numbers: enough to JIT every path and start every worker.
    private const int WarmUpItems = 24;

    /// <inheritdoc />
    public string Name => "scaling";

    /// <inheritdoc />
    public string Description => "is-prime over odd 15-digit numbers: serial vs Parallel.ForEach vs Grid Map [--count 300] [--seed 1729] [--repeat 3] [--workers cores]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var count = checked((int)args.GetInt64("count", 300));
        var seed = checked((int)args.GetInt64("seed", 1729));
        var repeat = checked((int)args.GetInt64("repeat", 3));
        var workers = args.GetOptionalInt64("workers");
        args.ThrowIfUnknownOptions();

        var (inputs, generation) = Measure.Time(() => PrimeInputs.Generate(count, seed));
        var numbers = inputs.Numbers.ToArray();
        var warmUp = numbers[..Math.Min(WarmUpItems, numbers.Length)];
        var kernel = new IsPrimeKernel();

        await using var client = await BenchClient.StartAsync(workers, cancellationToken).ConfigureAwait(false);

        Console.WriteLine($"scaling: is-prime over {count} odd 15-digit numbers ({inputs.PrimeCount} prime), seed {seed}");
        Measure.Line("machine", $"{Environment.ProcessorCount} cores; grid workers {workers?.ToString(CultureInfo.InvariantCulture) ?? "default (cores)"}");
        Measure.Line("input generation", $"{Measure.Seconds(generation)} (Miller-Rabin, not timed below)");
        Measure.Line("runs", $"warm-up over {warmUp.Length} numbers, then {repeat} timed runs each; median reported");

        // Each way is warmed up and then timed in turn, so no way runs while another's threads are still busy.
        var serial = await TimeRunsAsync(repeat, () => Task.FromResult(RunSerial(kernel, warmUp, cancellationToken)), () => Task.FromResult(RunSerial(kernel, numbers, cancellationToken))).ConfigureAwait(false);
        var parallel = await TimeRunsAsync(repeat, () => Task.FromResult(RunParallel(kernel, warmUp, cancellationToken)), () => Task.FromResult(RunParallel(kernel, numbers, cancellationToken))).ConfigureAwait(false);
        JobSummary? lastSummary = null;
        var grid = await TimeRunsAsync(
            repeat,
            async () => (await RunGridAsync(client, warmUp, cancellationToken).ConfigureAwait(false)).Verdicts,
            async () =>
            {
                var (verdicts, summary) = await RunGridAsync(client, numbers, cancellationToken).ConfigureAwait(false);
                lastSummary = summary;
                return verdicts;
            }).ConfigureAwait(false);

        Measure.Line("serial", Describe(serial.Times));
        Measure.Line("Parallel.ForEach", Describe(parallel.Times));
        Measure.Line("grid Map", Describe(grid.Times));
        if (lastSummary is not null)
        {
            var usage = string.Join(", ", lastSummary.Workers.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Worker} {w.Items} items/{w.Chunks} chunks/{w.Busy.TotalSeconds:F2} s")));
            Measure.Line("grid workers (last run)", $"{lastSummary.Workers.Count}: {usage}");
            Measure.Line("grid summary (last run)", string.Create(CultureInfo.InvariantCulture, $"wall {lastSummary.WallTime.TotalSeconds:F3} s, busy {lastSummary.BusyTime.TotalSeconds:F3} s, outcome {lastSummary.Outcome}"));
        }

        var mismatches = new[] { serial, parallel, grid }.Sum(way => way.Runs.Sum(run => CountMismatches(run, inputs.Verdicts)));
        var serialMedian = Measure.Median(serial.Times.Select(t => t.TotalSeconds));
        var parallelMedian = Measure.Median(parallel.Times.Select(t => t.TotalSeconds));
        var gridMedian = Measure.Median(grid.Times.Select(t => t.TotalSeconds));

        ResultLine[] results =
        [
            Measure.Report("scaling.serial", serialMedian, "s", "-", "serial median"),
            Measure.Report("scaling.parallel-foreach", parallelMedian, "s", "-", "Parallel.ForEach median"),
            Measure.Report("scaling.grid", gridMedian, "s", "-", "grid Map median"),
            Measure.Report("scaling.grid-vs-serial", serialMedian / gridMedian, "x", ">=1.9", "speedup grid/serial"),
            Measure.Report("scaling.grid-vs-parallel-foreach", parallelMedian / gridMedian, "x", ">=0.95", "grid vs Parallel.ForEach"),
            Measure.Report("scaling.wrong-verdicts", mismatches, "items", "=0", "wrong verdicts (vs Miller-Rabin)"),
        ];
        Measure.PrintResults(results);
        return mismatches == 0 ? 0 : 1;
    }

    private static bool[] RunSerial(IKernel<long, bool> kernel, long[] numbers, CancellationToken cancellationToken)
    {
        var verdicts = new bool[numbers.Length];
        for (var i = 0; i < numbers.Length; i++)
        {
            verdicts[i] = kernel.Execute(numbers[i], cancellationToken);
        }

        return verdicts;
    }

    private static bool[] RunParallel(IKernel<long, bool> kernel, long[] numbers, CancellationToken cancellationToken)
    {
        var verdicts = new bool[numbers.Length];

        // Default options on purpose: this is the loop a developer writes before reaching for Grid.
        Parallel.ForEach(numbers, (n, _, i) => verdicts[i] = kernel.Execute(n, cancellationToken));
        return verdicts;
    }

    private static async Task<(bool[] Verdicts, JobSummary Summary)> RunGridAsync(GridClient client, long[] numbers, CancellationToken cancellationToken)
    {
        var verdicts = new bool[numbers.Length];
        var job = client.Map<long, bool>(BuiltInKernels.IsPrime, numbers, cancellationToken: cancellationToken);
        await foreach (var result in job.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            verdicts[result.Index] = result.GetValueOrThrow();
        }

        return (verdicts, await job.Summary.ConfigureAwait(false));
    }

    private static async Task<(List<TimeSpan> Times, List<bool[]> Runs)> TimeRunsAsync(int repeat, Func<Task<bool[]>> warmUp, Func<Task<bool[]>> run)
    {
        await warmUp().ConfigureAwait(false);
        var times = new List<TimeSpan>(repeat);
        var runs = new List<bool[]>(repeat);
        for (var i = 0; i < repeat; i++)
        {
            var (verdicts, elapsed) = await Measure.TimeAsync(run).ConfigureAwait(false);
            times.Add(elapsed);
            runs.Add(verdicts);
        }

        return (times, runs);
    }

    private static int CountMismatches(bool[] verdicts, IReadOnlyList<bool> expected) =>
        verdicts.Where((v, i) => v != expected[i]).Count();

    private static string Describe(List<TimeSpan> times) =>
        string.Create(CultureInfo.InvariantCulture, $"{Measure.Median(times.Select(t => t.TotalSeconds)):F3} s median of [{string.Join(", ", times.Select(t => t.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)))}]");
}
