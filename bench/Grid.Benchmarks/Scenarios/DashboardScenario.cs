using System.Diagnostics;
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
    public string Description => "dashboard API latency while is-prime keeps every core busy: median, p99, max [--primes 64] [--interval-ms 50]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var primes = checked((int)args.GetInt64("primes", 64));
        var interval = TimeSpan.FromMilliseconds(args.GetInt64("interval-ms", 50));
        args.ThrowIfUnknownOptions();

        var numbers = FindPrimes(primes);
        await using var client = await GridClient.StartEmbeddedAsync(
            silo => silo.AddDashboard(o => o.Urls = "http://127.0.0.1:0"), cancellationToken).ConfigureAwait(false);
        var server = client.SiloServices!.GetRequiredService<DashboardServer>();
        using var http = new HttpClient { BaseAddress = server.Addresses[0], Timeout = TimeSpan.FromSeconds(30) };
        Measure.Header($"dashboard: its API ({string.Join(", ", Paths)}) every {interval.TotalMilliseconds} ms while is-prime runs {primes} 18-digit primes on every worker", null);

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
        Measure.Line("job", $"{summary.Succeeded} primes confirmed in {Measure.Seconds(summary.WallTime)}, busy {summary.BusyTime.TotalSeconds:F2} s over {summary.Workers.Count} workers");
        Measure.Line("requests", $"{sorted.Length}, {failures} not successful");
        Measure.Line("latency", $"median {Measure.Percentile(sorted, 50):F2} ms, p99 {Measure.Percentile(sorted, 99):F2} ms, max {sorted[^1]:F2} ms");
        Measure.Line("CPU while measuring", CpuSample.Describe(use));
        ResultLine[] results =
        [
            Measure.Report("dashboard.api-median", Measure.Percentile(sorted, 50), "ms", "-", "API median under CPU load"),
            Measure.Report("dashboard.api-p99", Measure.Percentile(sorted, 99), "ms", "<100", "API p99 under CPU load"),
            Measure.Report("dashboard.api-max", sorted[^1], "ms", "-", "API slowest answer under CPU load"),
            Measure.Report("dashboard.failed-requests", failures, "requests", "=0", "requests not answered 200"),
            Measure.Report("dashboard.wrong-verdicts", summary.Total - summary.Succeeded, "items", "=0", "primes not confirmed"),
        ];
        Measure.PrintResults(results);
        return results.Any(r => r.Target == "=0" && r.Value != 0) ? 1 : 0;
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
