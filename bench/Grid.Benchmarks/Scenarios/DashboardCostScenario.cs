using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grid.Benchmarks.Kernels;
using Grid.Client;
using Grid.Dashboard.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grid.Benchmarks.Scenarios;

/// <summary>What watching costs a map of trivial items: a silo without a dashboard, with Grid's dashboard watched by an open page throughout, and with Orleans' dashboard (and its grain-call profiler) beside it.</summary>
internal sealed class DashboardCostScenario : IScenario
{
    private const long WarmUpItems = 20_000;
    private const int WarmUpRounds = 3;

    // How often the page reads an open trace again while its job runs.
    private static readonly TimeSpan TraceRefresh = TimeSpan.FromSeconds(1);

    private enum Mode
    {
        Plain,
        Watched,
        WithOrleans,
    }

    /// <inheritdoc />
    public string Name => "dashboard-cost";

    /// <inheritdoc />
    public string Description => "5,000,000 no-op items through Map: no dashboard, Grid's dashboard watched as an open page does, and Orleans' dashboard with its grain-call profiler too; interleaved rounds [--items 5000000] [--rounds 21]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var items = args.GetInt64("items", 5_000_000);
        var rounds = checked((int)args.GetInt64("rounds", 21));
        args.ThrowIfUnknownOptions();

        Measure.Header($"dashboard-cost: {items:N0} items through the '{NoOpKernel.Name}' kernel, {rounds} interleaved rounds of three silos", null);
        Measure.Line("plain", "no dashboard");
        Measure.Line("watched", "Grid's dashboard without Orleans' (Grid:Dashboard:Orleans=false), watched as an open page watches it: the event stream (an update every 500 ms), and the job list and the running job's trace read every second");
        Measure.Line("with Orleans'", "Grid's dashboard watched the same way, and Orleans' dashboard at /orleans, whose grain-call profiler times every grain call");
        Measure.Line("order", $"after {WarmUpRounds} untimed rounds of each mode, each round starts a fresh silo per mode, warms it up with 20,000 items, then times one map; the order rotates");

        // Untimed rounds of each mode first: the first few maps of a process run while the JIT still compiles Grid's and Orleans' code in tiers.
        Mode[] modes = [Mode.Plain, Mode.Watched, Mode.WithOrleans];
        for (var round = 0; round < WarmUpRounds; round++)
        {
            foreach (var mode in modes)
            {
                await RunSiloAsync(mode, items, cancellationToken).ConfigureAwait(false);
            }
        }

        var cpu = CpuSample.Take();
        var walls = modes.ToDictionary(m => m, _ => new List<double>());
        long errors = 0;
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < modes.Length; i++)
            {
                var mode = modes[(round + i) % modes.Length];
                var (wall, tally, requests) = await RunSiloAsync(mode, items, cancellationToken).ConfigureAwait(false);
                walls[mode].Add(wall.TotalSeconds);
                errors += tally.Errors;
                Measure.Line($"round {round + 1} {mode}", string.Create(CultureInfo.InvariantCulture, $"{wall.TotalSeconds:F3} s, {items / wall.TotalSeconds:N0} items/s, {requests} API requests; {tally}"));
            }
        }

        var use = CpuSample.CoresSince(cpu);
        var median = modes.ToDictionary(m => m, m => Measure.Median(walls[m]));
        var spread = (walls[Mode.Plain].Max() - walls[Mode.Plain].Min()) / median[Mode.Plain] * 100;

        // The machine's speed drifts over a run by more than the cost looked for, so each mode is compared with the other
        // modes' runs of the same round, which ran next to it: the cost is the median of the rounds' ratios.
        (double Median, double Low, double High) Cost(Mode mode, Mode against)
        {
            var costs = walls[mode].Zip(walls[against], (wall, other) => (1 - (other / wall)) * 100).Order().ToArray();
            return (Measure.Percentile(costs, 50), Measure.Percentile(costs, 25), Measure.Percentile(costs, 75));
        }

        var watched = Cost(Mode.Watched, Mode.Plain);
        var orleans = Cost(Mode.WithOrleans, Mode.Plain);
        var profiler = Cost(Mode.WithOrleans, Mode.Watched);
        Measure.Line("CPU while measuring", CpuSample.Describe(use));
        Measure.Line("plain rounds spread", string.Create(CultureInfo.InvariantCulture, $"{spread:F1} % of the median (max - min), from the machine's drift over the run"));
        foreach (var (label, cost) in new[] { ("cost of Grid's, watched", watched), ("cost with Orleans' too", orleans), ("Orleans' beyond Grid's", profiler) })
        {
            Measure.Line(label, string.Create(CultureInfo.InvariantCulture, $"median of the rounds {cost.Median:F1} %, middle half of the rounds {cost.Low:F1} % to {cost.High:F1} %"));
        }

        ResultLine[] results =
        [
            Measure.Report("dashboard-cost.items-per-second-plain", items / median[Mode.Plain], "items/s", "-", "throughput, no dashboard (median)"),
            Measure.Report("dashboard-cost.items-per-second-watched", items / median[Mode.Watched], "items/s", "-", "throughput, Grid's dashboard watched (median)"),
            Measure.Report("dashboard-cost.items-per-second-orleans", items / median[Mode.WithOrleans], "items/s", "-", "throughput, with Orleans' dashboard too (median)"),
            Measure.Report("dashboard-cost.overhead-watched", watched.Median, "%", "-", "throughput lost to Grid's dashboard, watched (median of rounds)"),
            Measure.Report("dashboard-cost.overhead-orleans", orleans.Median, "%", "-", "throughput lost with Orleans' dashboard too (median of rounds)"),
            Measure.Report("dashboard-cost.overhead-profiler", profiler.Median, "%", "-", "throughput lost to Orleans' dashboard beyond Grid's (median of rounds)"),
            Measure.Report("dashboard-cost.not-exactly-once", errors, "items", "=0", "missing, duplicate or wrong"),
            Measure.Report("dashboard-cost.other-processes", use.Others ?? double.NaN, "cores", "-", "other processes' CPU"),
        ];
        Measure.PrintResults(results);
        return errors == 0 ? 0 : 1;
    }

    private static async Task<(TimeSpan Wall, ItemTally Tally, int Requests)> RunSiloAsync(Mode mode, long items, CancellationToken cancellationToken)
    {
        await using var client = await GridClient.StartEmbeddedAsync(
            silo =>
            {
                silo.AddKernel<NoOpKernel>(NoOpKernel.Name);
                if (mode != Mode.Plain)
                {
                    silo.AddDashboard(o =>
                    {
                        o.Urls = "http://127.0.0.1:0";
                        o.Orleans = mode == Mode.WithOrleans;
                    });
                }
            },
            cancellationToken).ConfigureAwait(false);
        await BenchClient.MapNoOpAsync(client, WarmUpItems, cancellationToken).ConfigureAwait(false);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var polling = mode == Mode.Plain
            ? Task.FromResult(0)
            : WatchAsync(client.SiloServices!.GetRequiredService<DashboardServer>().Addresses[0], stop.Token);
        var start = Stopwatch.GetTimestamp();
        var (tally, _) = await BenchClient.MapNoOpAsync(client, items, cancellationToken).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(start);
        await stop.CancelAsync().ConfigureAwait(false);
        return (wall, tally, await polling.ConfigureAwait(false));
    }

    // Does what an open page with the job's trace open does, until stopped: reads the event stream (an update every 500 ms)
    // and, every second, the job list and the newest job's trace; returns how many updates and answers came.
    private static async Task<int> WatchAsync(Uri address, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        var requests = 0;
        var events = Task.Run(async () =>
        {
            using var stream = await http.GetStreamAsync(new Uri("/api/events", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith("event: update", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref requests);
                }
            }
        }, cancellationToken);
        try
        {
            while (true)
            {
                var jobs = await http.GetByteArrayAsync(new Uri("/api/jobs", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref requests);
                if (NewestJob(jobs) is { } id)
                {
                    await http.GetByteArrayAsync(new Uri($"/api/jobs/{id}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref requests);
                }

                await Task.Delay(TraceRefresh, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            try
            {
                await events.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The stream ends with the watcher.
            }

            return Volatile.Read(ref requests);
        }
    }

    private static Guid? NewestJob(byte[] jobsJson)
    {
        using var jobs = JsonDocument.Parse(jobsJson);
        return jobs.RootElement.EnumerateArray().Select(j => (Guid?)j.GetProperty("jobId").GetGuid()).FirstOrDefault();
    }
}
