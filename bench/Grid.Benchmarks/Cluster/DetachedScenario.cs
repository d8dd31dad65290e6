using System.Diagnostics;
using Grid.Client;
using Grid.Stored;

namespace Grid.Benchmarks.Cluster;

/// <summary>Detached jobs on two silo processes meeting on Redis and keeping jobs in PostgreSQL: how long <c>SubmitJobAsync</c> takes to store 100,000 inputs, and a million trivial items end to end, storage included.</summary>
internal sealed class DetachedScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "detached";

    /// <inheritdoc />
    public string Description => "two silo processes on Redis with a PostgreSQL job store: SubmitJobAsync of 100,000 inputs, 1,000,000 trivial items end to end and live, a full restart mid-job [--items 1000000] [--submit-items 100000] [--workers 2] [--cluster CONNECTION] [--store NPGSQL-CONNECTION]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var items = args.GetInt64("items", 1_000_000);
        var submitItems = args.GetInt64("submit-items", 100_000);
        var workers = checked((int)args.GetInt64("workers", 2));
        var broker = BenchConnections.Redis(args, Name);
        var store = BenchConnections.Store(args, Name);
        args.ThrowIfUnknownOptions();

        var results = new List<ResultLine>();
        await using (var silos = new BenchSilos(broker, workers, new Dictionary<string, string> { ["Grid__Jobs__Store"] = store }))
        {
            await silos.StartAsync(cancellationToken).ConfigureAwait(false);
            await silos.StartAsync(cancellationToken).ConfigureAwait(false);
            await using var client = await GridClient.ConnectAsync(broker, new ClusterClientOptions { Name = silos.ClusterName }, cancellationToken).ConfigureAwait(false);
            Measure.Header($"detached: 2 silo processes with {workers} workers each on Redis, job store in PostgreSQL, client in this process", workers);

            // A warm-up job, so that both silos and the client have compiled everything.
            await RunToEndAsync(client, 20_000, cancellationToken).ConfigureAwait(false);

            var submitted = Stopwatch.GetTimestamp();
            var job = await client.SubmitJobAsync<long, long>(ClusterNoOpKernel.Name, BenchConnections.Numbers(submitItems), cancellationToken: cancellationToken).ConfigureAwait(false);
            var submit = Stopwatch.GetElapsedTime(submitted);
            Measure.Line("SubmitJobAsync", $"{submitItems:N0} inputs stored in {Measure.Seconds(submit)}");
            results.Add(Measure.Report("detached.submit", submit.TotalSeconds, "s", "<2", $"SubmitJobAsync of {submitItems:N0} inputs returns"));
            await WaitForEndAsync(client, job.Id, cancellationToken).ConfigureAwait(false);
            await client.ForgetJobAsync(job.Id, cancellationToken).ConfigureAwait(false);

            var cpu = CpuSample.Take();
            var (ended, elapsed) = await Measure.TimeAsync(() => RunToEndAsync(client, items, cancellationToken)).ConfigureAwait(false);
            var perSecond = items / elapsed.TotalSeconds;
            Measure.Line("end to end", $"{items:N0} trivial items submitted, run and stored in {Measure.Seconds(elapsed)}: {perSecond:N0} items/s ({ended.State}, {ended.Succeeded:N0} succeeded)");
            Measure.Line("CPU while measuring", CpuSample.Describe(CpuSample.CoresSince(cpu)));

            // Read back, untimed: every index once, each value right.
            var wrong = await CheckAsync(client, ended.JobId, items, cancellationToken).ConfigureAwait(false);
            Measure.Line("read back", $"{wrong} wrong, missing or duplicated results");
            await client.ForgetJobAsync(ended.JobId, cancellationToken).ConfigureAwait(false);
            results.Add(wrong == 0 && ended.Succeeded == items
                ? Measure.Report("detached.items-per-second", perSecond, "items/s", ">=250000", "a detached job of trivial items end to end, storage included")
                : Measure.Report("detached.wrong-results", wrong + (items - ended.Succeeded), "items", "=0", "wrong, missing or duplicated stored results"));

            // The same items run live on the same silos: what durability costs.
            var (_, live) = await Measure.TimeAsync(() => LiveAsync(client, items, cancellationToken)).ConfigureAwait(false);
            Measure.Line("the same job live", $"{items:N0} trivial items through Map in {Measure.Seconds(live)}: detached takes {elapsed / live:F2}x as long");
            results.Add(Measure.Report("detached.durability-cost", elapsed / live, "x", "-", "a detached job's time over the same job run live"));
        }

        results.Add(await FullRestartAsync(broker, workers, store, cancellationToken).ConfigureAwait(false));

        Measure.PrintResults(results);
        return results.All(r => r.Passed != false) ? 0 : 1;
    }

    private static async Task<long> LiveAsync(GridClient client, long items, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var result in client.Map<long, long>(ClusterNoOpKernel.Name, BenchConnections.Numbers(items), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            count += result.IsSuccess ? 1 : 0;
        }

        return count;
    }

    // Every silo killed mid-job and two others started: from the first of them joining to the job's first new stored result.
    private static async Task<ResultLine> FullRestartAsync(string broker, int workers, string store, CancellationToken cancellationToken)
    {
        await using var silos = new BenchSilos(broker, workers, new Dictionary<string, string> { ["Grid__Jobs__Store"] = store });
        await silos.StartAsync(cancellationToken).ConfigureAwait(false);
        await silos.StartAsync(cancellationToken).ConfigureAwait(false);
        Guid jobId;
        long before;
        await using (var client = await GridClient.ConnectAsync(broker, new ClusterClientOptions { Name = silos.ClusterName }, cancellationToken).ConfigureAwait(false))
        {
            // 400 items of 100 ms on four workers: about ten seconds of work, killed a quarter of the way.
            jobId = (await client.SubmitJobAsync<int, int>(SleepKernel.Name, Enumerable.Repeat(100, 400), cancellationToken: cancellationToken).ConfigureAwait(false)).Id;
            while ((await client.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false))!.Completed < 100)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (name, _) in silos.Silos)
            {
                silos.Kill(name);
            }

            foreach (var (_, process) in silos.Silos)
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }

            before = (await StoredCountAsync(store, jobId, cancellationToken).ConfigureAwait(false));
        }

        Measure.Line("full restart", $"at {DateTime.Now:HH:mm:ss.fff} both silos killed with SIGKILL with {before} of 400 results stored; two new silos started on other ports");
        var killed = Stopwatch.GetTimestamp();
        await silos.StartAsync(cancellationToken).ConfigureAwait(false);
        var back = Stopwatch.GetTimestamp();
        var second = silos.StartAsync(cancellationToken);
        while (await StoredCountAsync(store, jobId, cancellationToken).ConfigureAwait(false) <= before)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        var firstResult = Stopwatch.GetElapsedTime(back);
        await second.ConfigureAwait(false);
        Measure.Line("first new result", $"{Measure.Seconds(firstResult)} after the first new silo joined ({Measure.Seconds(Stopwatch.GetElapsedTime(killed, back))} from the kill to its joining)");
        await using (var client = await GridClient.ConnectAsync(broker, new ClusterClientOptions { Name = silos.ClusterName }, cancellationToken).ConfigureAwait(false))
        {
            var ended = await WaitForEndAsync(client, jobId, cancellationToken).ConfigureAwait(false);
            Measure.Line("after the restart", $"the job {ended.State}: {ended.Succeeded} of 400 succeeded in {ended.Runs} runs");
            await client.ForgetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        }

        return Measure.Report("detached.restart-first-result", firstResult.TotalSeconds, "s", "<=10", "after a full restart, from the first new silo joining to the first new stored result");
    }

    // The job's stored results, read from the store itself (no silo may be up to ask).
    private static async Task<long> StoredCountAsync(string store, Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = new Npgsql.NpgsqlConnection(store);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new Npgsql.NpgsqlCommand("SELECT succeeded + failed + timed_out + cancelled FROM grid_jobs WHERE id = $1", connection);
        command.Parameters.Add(new() { Value = jobId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<StoredJob> RunToEndAsync(GridClient client, long items, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var job = await client.SubmitJobAsync<long, long>(ClusterNoOpKernel.Name, BenchConnections.Numbers(items), cancellationToken: cancellationToken).ConfigureAwait(false);
        var stored = Stopwatch.GetElapsedTime(start);
        var ended = await WaitForEndAsync(client, job.Id, cancellationToken).ConfigureAwait(false);
        Measure.Line("of which", $"{Measure.Seconds(stored)} storing the inputs, {Measure.Seconds(Stopwatch.GetElapsedTime(start) - stored)} running and storing the results ({items:N0} items)");
        return ended;
    }

    private static async Task<StoredJob> WaitForEndAsync(GridClient client, Guid jobId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await client.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"Job {jobId} is gone.");
            if (job.State.IsFinished())
            {
                return job;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<long> CheckAsync(GridClient client, Guid jobId, long items, CancellationToken cancellationToken)
    {
        var seen = new bool[items];
        long wrong = 0, count = 0;
        await foreach (var result in client.AttachAsync<long>(jobId).WithCancellation(cancellationToken).ConfigureAwait(false))
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
}
