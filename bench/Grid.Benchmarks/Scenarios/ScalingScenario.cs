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

    // Full grid runs before the timed ones, the first of them reported as the cold run.
    private const int WarmRounds = 2;

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

        Measure.Header($"scaling: is-prime over {count} odd 15-digit numbers ({inputs.PrimeCount} prime), seed {seed}", workers);
        Measure.Line("input generation", $"{Measure.Seconds(generation)} (Miller-Rabin, not timed below)");
        Measure.Line("runs", $"warm-up over {warmUp.Length} numbers each way, {WarmRounds} untimed grid runs over all of them (the first reported as cold) and {WarmRounds - 1} of serial and Parallel.ForEach, then {repeat} timed rounds of serial, Parallel.ForEach, grid; medians reported");

        // Warm every way up first, then time them in rounds (serial, Parallel.ForEach, grid, repeat) so a change
        // in the machine's load during the run falls on all three alike rather than on whichever ran last. Grid's
        // chunk path is JIT-compiled in tiers as it runs: its first few hundred chunks run slower code, which the
        // cold run shows and the untimed rounds leave out of the steady-state figures.
        RunSerial(kernel, warmUp, cancellationToken);
        RunParallel(kernel, warmUp, cancellationToken);
        await RunGridAsync(client, warmUp, cancellationToken).ConfigureAwait(false);
        var (_, cold) = await Measure.TimeAsync(() => RunGridAsync(client, numbers, cancellationToken)).ConfigureAwait(false);
        Measure.Line("grid Map, cold", $"{Measure.Seconds(cold)} (the first full run on a fresh silo)");
        for (var round = 1; round < WarmRounds; round++)
        {
            RunSerial(kernel, numbers, cancellationToken);
            RunParallel(kernel, numbers, cancellationToken);
            await RunGridAsync(client, numbers, cancellationToken).ConfigureAwait(false);
        }

        var serial = new Way();
        var parallel = new Way();
        var grid = new Way();
        JobSummary? lastSummary = null;
        for (var round = 0; round < repeat; round++)
        {
            var cpu = CpuSample.Take();
            serial.Add(Measure.Time(() => RunSerial(kernel, numbers, cancellationToken)), cpu);
            cpu = CpuSample.Take();
            parallel.Add(Measure.Time(() => RunParallel(kernel, numbers, cancellationToken)), cpu);
            cpu = CpuSample.Take();
            var ((verdicts, summary), elapsed) = await Measure.TimeAsync(() => RunGridAsync(client, numbers, cancellationToken)).ConfigureAwait(false);
            grid.Add((verdicts, elapsed), cpu);
            lastSummary = summary;
        }

        Measure.Line("serial", serial.Describe());
        Measure.Line("Parallel.ForEach", parallel.Describe());
        Measure.Line("grid Map", grid.Describe());
        if (lastSummary is not null)
        {
            var usage = string.Join(", ", lastSummary.Workers.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Worker} {w.Items} items/{w.Chunks} chunks/{w.Busy.TotalSeconds:F2} s")));
            Measure.Line("grid workers (last run)", $"{lastSummary.Workers.Count}: {usage}");
            Measure.Line("grid summary (last run)", string.Create(CultureInfo.InvariantCulture, $"wall {lastSummary.WallTime.TotalSeconds:F3} s, busy {lastSummary.BusyTime.TotalSeconds:F3} s, outcome {lastSummary.Outcome}"));
        }

        var mismatches = new[] { serial, parallel, grid }.Sum(way => way.Runs.Sum(run => CountMismatches(run, inputs.Verdicts)));
        var serialMedian = serial.MedianSeconds;
        var parallelMedian = parallel.MedianSeconds;
        var gridMedian = grid.MedianSeconds;

        ResultLine[] results =
        [
            Measure.Report("scaling.serial", serialMedian, "s", "-", "serial median"),
            Measure.Report("scaling.parallel-foreach", parallelMedian, "s", "-", "Parallel.ForEach median"),
            Measure.Report("scaling.grid", gridMedian, "s", "-", "grid Map median"),
            Measure.Report("scaling.grid-cold", cold.TotalSeconds, "s", "-", "grid Map, first full run"),
            Measure.Report("scaling.grid-vs-serial", serialMedian / gridMedian, "x", ">=1.9", "speedup grid/serial"),
            Measure.Report("scaling.grid-vs-parallel-foreach", parallelMedian / gridMedian, "x", ">=0.97", "grid vs Parallel.ForEach"),
            Measure.Report("scaling.wrong-verdicts", mismatches, "items", "=0", "wrong verdicts (vs Miller-Rabin)"),
            Measure.Report("scaling.other-processes", Measure.Median(new[] { serial, parallel, grid }.SelectMany(w => w.OthersCores)), "cores", "-", "other processes' CPU (median)"),
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

    private static int CountMismatches(bool[] verdicts, IReadOnlyList<bool> expected) =>
        verdicts.Where((v, i) => v != expected[i]).Count();

    /// <summary>The timed runs of one way of computing the verdicts, with the cores this process and the others used in each.</summary>
    private sealed class Way
    {
        private readonly List<TimeSpan> _times = [];
        private readonly List<(double Own, double? Others)> _cores = [];

        public List<bool[]> Runs { get; } = [];

        public double MedianSeconds => Measure.Median(_times.Select(t => t.TotalSeconds));

        public IEnumerable<double> OthersCores => _cores.Select(c => c.Others ?? double.NaN);

        public void Add((bool[] Verdicts, TimeSpan Elapsed) run, CpuSample before)
        {
            _cores.Add(CpuSample.CoresSince(before));
            Runs.Add(run.Verdicts);
            _times.Add(run.Elapsed);
        }

        public string Describe()
        {
            var inv = CultureInfo.InvariantCulture;
            var times = string.Join(", ", _times.Select(t => t.TotalSeconds.ToString("F3", inv)));
            var own = string.Join("/", _cores.Select(c => c.Own.ToString("F1", inv)));
            var others = string.Join("/", _cores.Select(c => c.Others?.ToString("F1", inv) ?? "?"));
            return string.Create(inv, $"{MedianSeconds:F3} s median of [{times}]; cores busy: own {own}, others {others}");
        }
    }
}
