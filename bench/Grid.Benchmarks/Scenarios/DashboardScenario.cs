using System.Diagnostics;
using System.Text.Json;
using Grid.Benchmarks.Cluster;
using Grid.Client;
using Grid.Dashboard.Hosting;
using Grid.Kernels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Grid.Benchmarks.Scenarios;

/// <summary>Dashboard responsiveness: its API timed again and again while a CPU job keeps every worker busy.</summary>
internal sealed class DashboardScenario : IScenario
{
    // Eighteen-digit primes: trial division keeps a worker busy for about half a second on each.
    private const long FirstCandidate = 100_000_000_000_000_000;

    private static readonly string[] Paths = ["/api/silos", "/api/jobs", "/api/throughput?seconds=300", "/api/errors"];

    /// <inheritdoc />
    public string Name => "dashboard";

    /// <inheritdoc />
    public string Description => "dashboard API latency while is-prime keeps every worker busy, on the embedded silo and on two silo processes (asking the second silo; the report says which silo kept the job): median, p99, max [--primes 64] [--interval-ms 50] [--cluster CONNECTION]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var primes = checked((int)args.GetInt64("primes", 64));
        var interval = TimeSpan.FromMilliseconds(args.GetInt64("interval-ms", 50));
        string? redis;
        try
        {
            redis = BenchConnections.Redis(args, Name);
        }
        catch (ArgumentException)
        {
            redis = null;
        }

        args.ThrowIfUnknownOptions();

        var numbers = FindPrimes(primes);
        var results = new List<ResultLine>();
        await using (var client = await GridClient.StartEmbeddedAsync(
            silo => silo.AddDashboard(o => o.Urls = "http://127.0.0.1:0"), cancellationToken).ConfigureAwait(false))
        {
            var server = client.SiloServices!.GetRequiredService<DashboardServer>();
            Measure.Header($"dashboard: its API ({string.Join(", ", Paths)}) every {interval.TotalMilliseconds} ms while is-prime runs {primes} 18-digit primes on every worker", null);
            results.AddRange(await MeasureAsync(client, server.Addresses[0], "dashboard", numbers, interval, cancellationToken).ConfigureAwait(false));
        }

        if (redis is null)
        {
            Measure.Line("two silos", "not measured: no Redis (give --cluster, GRID_CLUSTER or GRID_TEST_REDIS)");
        }
        else
        {
            await using var silos = new BenchSilos(redis, Environment.ProcessorCount, dashboards: true);
            await silos.StartAsync(cancellationToken).ConfigureAwait(false);
            var (asked, _) = await silos.StartAsync(cancellationToken).ConfigureAwait(false);
            await using var client = await GridClient.ConnectAsync(redis, new ClusterClientOptions { Name = silos.ClusterName }, cancellationToken).ConfigureAwait(false);
            var address = new Uri($"http://127.0.0.1:{silos.DashboardPorts[asked].ToString(System.Globalization.CultureInfo.InvariantCulture)}/");
            Measure.Header($"dashboard, two silo processes: the API of {asked} while is-prime runs {primes} 18-digit primes on both silos' workers", null);
            results.AddRange(await MeasureAsync(client, address, "dashboard.cluster", numbers, interval, cancellationToken).ConfigureAwait(false));
        }

        Measure.PrintResults(results);
        return results.Any(r => r.Target == "=0" && r.Value != 0) ? 1 : 0;
    }

    // Times the API at address again and again while the job runs on client's silos, and reports under names starting with prefix.
    private static async Task<ResultLine[]> MeasureAsync(GridClient client, Uri address, string prefix, long[] numbers, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };

        // Warm the endpoints up (JIT, connection) before the job starts.
        foreach (var path in Paths)
        {
            (await http.GetAsync(path, cancellationToken).ConfigureAwait(false)).EnsureSuccessStatusCode();
        }

        var cpu = CpuSample.Take();
        var job = client.Map<long, bool>(BuiltInKernels.IsPrime, numbers);
        var running = Task.Run(async () =>
        {
            await foreach (var _ in job.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
            }

            return await job.Summary.ConfigureAwait(false);
        }, cancellationToken);

        // The job's trace is found once the job has started on some silo: the timing starts then.
        while (!running.IsCompleted && !(await http.GetAsync($"/api/jobs/{job.Id}", cancellationToken).ConfigureAwait(false)).IsSuccessStatusCode)
        {
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }

        var millis = new List<double>();
        var failures = 0;
        var next = 0;
        while (!running.IsCompleted)
        {
            var path = next++ % 2 == 0 ? Paths[next / 2 % Paths.Length] : $"/api/jobs/{job.Id}";
            var start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
            await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            millis.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            failures += response.IsSuccessStatusCode ? 0 : 1;
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }

        var summary = await running.ConfigureAwait(false);
        var use = CpuSample.CoresSince(cpu);
        var sorted = millis.Order().ToArray();
        var silos = summary.Workers.Select(w => w.Worker[..w.Worker.LastIndexOf('/')]).Distinct().Count();
        using (var jobs = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/jobs", UriKind.Relative), cancellationToken).ConfigureAwait(false)))
        {
            var kept = jobs.RootElement.EnumerateArray().FirstOrDefault(j => j.GetProperty("jobId").GetGuid() == job.Id);
            Measure.Line("job's grain", kept.ValueKind == JsonValueKind.Object ? $"on {kept.GetProperty("silo").GetString()}, answered by the dashboard at {address}" : "not listed");
        }

        Measure.Line("job", $"{summary.Succeeded} primes confirmed in {Measure.Seconds(summary.WallTime)}, busy {summary.BusyTime.TotalSeconds:F2} s over {summary.Workers.Count} workers on {silos} silo(s)");
        Measure.Line("requests", $"{sorted.Length}, {failures} not successful");
        Measure.Line("latency", $"median {Measure.Percentile(sorted, 50):F2} ms, p99 {Measure.Percentile(sorted, 99):F2} ms, max {sorted[^1]:F2} ms");
        Measure.Line("CPU while measuring (this process)", CpuSample.Describe(use));
        return
        [
            Measure.Report($"{prefix}.api-median", Measure.Percentile(sorted, 50), "ms", "-", "API median under CPU load"),
            Measure.Report($"{prefix}.api-p99", Measure.Percentile(sorted, 99), "ms", "<100", "API p99 under CPU load"),
            Measure.Report($"{prefix}.api-max", sorted[^1], "ms", "-", "API slowest answer under CPU load"),
            Measure.Report($"{prefix}.failed-requests", failures, "requests", "=0", "requests not answered 200"),
            Measure.Report($"{prefix}.wrong-verdicts", summary.Total - summary.Succeeded, "items", "=0", "primes not confirmed"),
        ];
    }

    private static long[] FindPrimes(int count)
    {
        var kernel = new Grid.Kernels.BuiltIn.IsPrimeKernel();
        var found = new List<long>(count);
        for (var n = FirstCandidate + 1; found.Count < count; n += 2)
        {
            // A cheap sieve by small primes first; the survivors are tested for real once, here, to pick true primes.
            if (n % 3 != 0 && n % 5 != 0 && n % 7 != 0 && kernel.Execute(n, CancellationToken.None))
            {
                found.Add(n);
            }
        }

        return [.. found];
    }
}
