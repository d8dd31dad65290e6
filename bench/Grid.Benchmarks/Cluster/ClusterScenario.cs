using System.Diagnostics;
using Grid.Client;

namespace Grid.Benchmarks.Cluster;

/// <summary>The cluster on this machine (silo processes meeting on Redis): trivial-item throughput and SubmitAsync round trips on two silos, and the cost of killing the job's own silo of three mid-job.</summary>
internal sealed class ClusterScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "cluster";

    /// <inheritdoc />
    public string Description => "two silo processes on Redis: items/s, SubmitAsync latency; three silos with the job's own silo killed mid-job vs two healthy [--items 2000000] [--calls 2000] [--chunks 200] [--chunk-ms 1000] [--workers 2] [--cluster CONNECTION]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var items = args.GetInt64("items", 2_000_000);
        var calls = checked((int)args.GetInt64("calls", 2_000));
        var chunks = checked((int)args.GetInt64("chunks", 200));
        var chunkMs = checked((int)args.GetInt64("chunk-ms", 1000));
        var workers = checked((int)args.GetInt64("workers", 2));
        var rounds = checked((int)args.GetInt64("rounds", 3));
        var broker = BenchConnections.Redis(args, Name);
        args.ThrowIfUnknownOptions();

        var results = new List<ResultLine>();
        await using (var silos = new BenchSilos(broker, workers))
        {
            await silos.StartAsync(cancellationToken).ConfigureAwait(false);
            await silos.StartAsync(cancellationToken).ConfigureAwait(false);
            await using var client = await GridClient.ConnectAsync(broker, new ClusterClientOptions { Name = silos.ClusterName }, cancellationToken).ConfigureAwait(false);
            Measure.Header($"cluster: 2 silo processes with {workers} workers each, client in this process, Redis {Grid.Client.Cluster.RedisConnection.Redact(broker)}", workers);
            results.AddRange(await ThroughputAsync(client, items, rounds, cancellationToken).ConfigureAwait(false));
            results.AddRange(await LatencyAsync(client, calls, cancellationToken).ConfigureAwait(false));
        }

        results.AddRange(await FaultCostAsync(broker, workers, chunks, chunkMs, cancellationToken).ConfigureAwait(false));
        Measure.PrintResults(results);
        return results.All(r => r.Passed != false) ? 0 : 1;
    }

    private static async Task<ResultLine[]> ThroughputAsync(GridClient client, long items, int rounds, CancellationToken cancellationToken)
    {
        // The first full-size jobs run while the client's and both silos' code is still being compiled in tiers (each process
        // compiles its own), so the figure is taken after two untimed full-size jobs, and the first of them is reported apart.
        await CountAsync(client, 20_000, cancellationToken).ConfigureAwait(false);
        var (coldWrong, cold) = await Measure.TimeAsync(() => CountAsync(client, items, cancellationToken)).ConfigureAwait(false);
        Measure.Line("first full job (cold)", $"{items:N0} trivial items in {Measure.Seconds(cold)}: {items / cold.TotalSeconds:N0} items/s, {coldWrong} wrong or missing");
        await CountAsync(client, items, cancellationToken).ConfigureAwait(false);
        var perSecond = new List<double>();
        var wrong = coldWrong;
        var cpu = CpuSample.Take();
        for (var round = 0; round < rounds; round++)
        {
            var (roundWrong, elapsed) = await Measure.TimeAsync(() => CountAsync(client, items, cancellationToken)).ConfigureAwait(false);
            perSecond.Add(items / elapsed.TotalSeconds);
            wrong += roundWrong;
            Measure.Line($"throughput, round {round + 1}", $"{items:N0} trivial items in {Measure.Seconds(elapsed)}: {perSecond[^1]:N0} items/s, {roundWrong} wrong or missing");
        }

        Measure.Line("CPU while measuring", CpuSample.Describe(CpuSample.CoresSince(cpu)));
        if (wrong != 0)
        {
            return [Measure.Report("cluster.wrong-results", wrong, "items", "=0", "wrong or missing results")];
        }

        return
        [
            Measure.Report("cluster.items-per-second", Measure.Median(perSecond), "items/s", ">=1000000", $"trivial items per second end to end, median of {rounds} after two full-size warm-up jobs"),
            Measure.Report("cluster.items-per-second-cold", items / cold.TotalSeconds, "items/s", "-", "the first full-size job, while code is still compiled in tiers"),
        ];
    }

    private static async Task<long> CountAsync(GridClient client, long items, CancellationToken cancellationToken)
    {
        var seen = new bool[items];
        long wrong = 0, count = 0;
        await foreach (var result in client.Map<long, long>(ClusterNoOpKernel.Name, BenchConnections.Numbers(items), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!result.IsSuccess || result.Value != result.Index + 1 || seen[result.Index])
            {
                wrong++;
            }

            seen[result.Index] = true;
            count++;
        }

        return wrong + (items - count);
    }

    private static async Task<ResultLine[]> LatencyAsync(GridClient client, int calls, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 200; i++)
        {
            await client.SubmitAsync<long, long>(ClusterNoOpKernel.Name, i, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var micros = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.SubmitAsync<long, long>(ClusterNoOpKernel.Name, i, cancellationToken: cancellationToken).ConfigureAwait(false);
            micros[i] = Measure.TicksToMicroseconds(Stopwatch.GetTimestamp() - start);
        }

        Array.Sort(micros);
        var median = Measure.Percentile(micros, 50) / 1000;
        var p99 = Measure.Percentile(micros, 99) / 1000;
        Measure.Line("SubmitAsync round trip", $"{calls} sequential calls: median {median:F3} ms, p99 {p99:F3} ms");
        return
        [
            Measure.Report("cluster.submit-median", median, "ms", "<0.5", "SubmitAsync median through a gateway"),
            Measure.Report("cluster.submit-p99", p99, "ms", "-", "SubmitAsync p99"),
        ];
    }

    private static async Task<ResultLine[]> FaultCostAsync(string broker, int workers, int chunks, int chunkMs, CancellationToken cancellationToken)
    {
        TimeSpan healthy;
        await using (var silos = new BenchSilos(broker, workers))
        {
            await silos.StartAsync(cancellationToken).ConfigureAwait(false);
            await silos.StartAsync(cancellationToken).ConfigureAwait(false);
            await using var client = await GridClient.ConnectAsync(broker, new ClusterClientOptions { Name = silos.ClusterName }, cancellationToken).ConfigureAwait(false);
            (_, healthy) = await Measure.TimeAsync(() => SleepJobAsync(client, chunks, chunkMs, onHalf: null, cancellationToken)).ConfigureAwait(false);
            Measure.Line("two healthy silos", $"{chunks} chunks of {chunkMs} ms in {Measure.Seconds(healthy)}");
        }

        await using (var silos = new BenchSilos(broker, workers))
        {
            for (var i = 0; i < 3; i++)
            {
                await silos.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var client = await GridClient.ConnectAsync(broker, new ClusterClientOptions { Name = silos.ClusterName }, cancellationToken).ConfigureAwait(false);
            long killedAt = 0;
            var (outcome, faulty) = await Measure.TimeAsync(() => SleepJobAsync(client, chunks, chunkMs, onHalf: async jobId =>
            {
                // The job's own silo: where Orleans says its grain lives.
                var address = await client.GrainFactory.GetGrain<Orleans.Runtime.IManagementGrain>(0)
                    .GetActivationAddress(client.GrainFactory.GetGrain<Grid.Jobs.IMapJobGrain>(jobId)).ConfigureAwait(false);
                var owner = silos.NamesByPort[address!.Endpoint.Port];
                Measure.Line("killed", $"{owner}, which holds the job's grain, with SIGKILL");
                silos.Kill(owner);
                killedAt = Stopwatch.GetTimestamp();
            }, cancellationToken)).ConfigureAwait(false);
            var ratio = faulty / healthy;
            var movedOn = Stopwatch.GetElapsedTime(killedAt, outcome.FirstAfterKill);
            Measure.Line("three silos, the job's silo killed", $"{chunks} chunks in {Measure.Seconds(faulty)} ({ratio:F2}x the healthy run); first result {Measure.Seconds(movedOn)} after the kill; {outcome.Missing} missing, {outcome.Duplicates} duplicated, {outcome.Failed} failed");
            return
            [
                Measure.Report("cluster.fault-cost", ratio, "x", "<=1.6", "time with the job's silo killed mid-job over two healthy silos"),
                Measure.Report("cluster.fault-moved-on", movedOn.TotalSeconds, "s", "<=5", "from the kill to the next result"),
                Measure.Report("cluster.fault-lost-or-duplicated", outcome.Missing + outcome.Duplicates + outcome.Failed, "items", "=0", "items missing, duplicated or failed"),
            ];
        }
    }

    private static async Task<(long Missing, long Duplicates, long Failed, long FirstAfterKill)> SleepJobAsync(GridClient client, int chunks, int chunkMs, Func<Guid, Task>? onHalf, CancellationToken cancellationToken)
    {
        var seen = new bool[chunks];
        long duplicates = 0, failed = 0, count = 0, firstAfterKill = 0;
        var job = client.Map<int, int>(SleepKernel.Name, Enumerable.Repeat(chunkMs, chunks), cancellationToken: cancellationToken);
        await foreach (var result in job.ConfigureAwait(false))
        {
            duplicates += seen[result.Index] ? 1 : 0;
            failed += result.IsSuccess ? 0 : 1;
            seen[result.Index] = true;
            if (++count == chunks / 2 && onHalf is not null)
            {
                await onHalf(job.Id).ConfigureAwait(false);
            }
            else if (count == (chunks / 2) + 1)
            {
                firstAfterKill = Stopwatch.GetTimestamp();
            }
        }

        return (seen.LongCount(s => !s), duplicates, failed, firstAfterKill);
    }
}
