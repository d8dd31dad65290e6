using System.Diagnostics;
using System.Globalization;
using Grid.Benchmarks.Io;
using Grid.Client;
using Grid.Fetch;

namespace Grid.Benchmarks.Scenarios;

/// <summary>The I/O grain against a loopback server whose every response takes 0.5 s: 10,000 URLs at concurrency 1,000, and the seed's 100 URLs at 5 and at 100, beside Python's ThreadPoolExecutor(5).</summary>
internal sealed class FetchScenario : IScenario
{
    private const double Delay = 0.5;

    /// <inheritdoc />
    public string Name => "fetch";

    /// <inheritdoc />
    public string Description => "GETs against a 0.5 s loopback server: 10,000 at concurrency 1,000 (wall, peak RSS), 100 at 5 and 100, Python ThreadPoolExecutor(5) [--urls 10000] [--python python3]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var many = args.GetInt64("urls", 10_000);
        var python = args.GetString("python", "python3");
        args.ThrowIfUnknownOptions();

        await using var server = await SlowServer.StartAsync(cancellationToken).ConfigureAwait(false);
        await using var client = await GridClient.StartEmbeddedAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        Measure.Header("fetch: GETs against a loopback server whose every response takes 0.5 s (server in its own process)", null);

        // A small warm-up, so that the first measured run does not pay for JIT and the first connections.
        await RunAsync(client, server, 200, 200, cancellationToken).ConfigureAwait(false);

        var cpu = CpuSample.Take();
        var (bigWall, bigFailed) = await RunAsync(client, server, many, 1000, cancellationToken).ConfigureAwait(false);
        var use = CpuSample.CoresSince(cpu);
        var peak = Measure.PeakResidentBytes() is { } bytes ? Measure.ToMegabytes(bytes) : double.NaN;
        var bigFloor = Math.Ceiling(many / 1000.0) * Delay;
        Measure.Line($"{many} URLs at 1,000", $"{Measure.Seconds(bigWall)} (floor {bigFloor:F1} s), {bigFailed} failed, {CpuSample.Describe(use)}");

        var (seedWall, seedFailed) = await RunAsync(client, server, 100, 5, cancellationToken).ConfigureAwait(false);
        Measure.Line("100 URLs at 5", $"{Measure.Seconds(seedWall)} (floor 10.0 s), {seedFailed} failed");
        var (wideWall, wideFailed) = await RunAsync(client, server, 100, 100, cancellationToken).ConfigureAwait(false);
        Measure.Line("100 URLs at 100", $"{Measure.Seconds(wideWall)} (floor 0.5 s), {wideFailed} failed");
        var pythonSeconds = await RunPythonAsync(python, server, cancellationToken).ConfigureAwait(false);
        Measure.Line("Python ThreadPoolExecutor(5)", pythonSeconds is { } p ? $"{p:F3} s over 100 URLs" : "not run (no python3)");

        var pythonOrSeed = pythonSeconds ?? seedWall.TotalSeconds;
        ResultLine[] results =
        [
            Measure.Report("fetch.10k-at-1000", bigWall.TotalSeconds, "s", string.Create(CultureInfo.InvariantCulture, $"<={bigFloor * 1.15:0.###}"), "10,000 at 1,000 (floor + 15%)"),
            Measure.Report("fetch.10k-peak-rss", peak, "MB", "<300", "peak RSS"),
            Measure.Report("fetch.100-at-5", seedWall.TotalSeconds, "s", "-", "100 at 5 (seed's case)"),
            Measure.Report("fetch.python-100-at-5", pythonSeconds ?? double.NaN, "s", "-", "Python ThreadPoolExecutor(5)"),
            Measure.Report("fetch.100-at-5-vs-python", seedWall.TotalSeconds / pythonOrSeed, "x", "<=1.05", "Grid at 5 / Python at 5"),
            Measure.Report("fetch.100-at-100", wideWall.TotalSeconds, "s", "-", "100 at 100"),
            Measure.Report("fetch.100-at-100-speedup", pythonOrSeed / wideWall.TotalSeconds, "x", ">=10", "Python at 5 / Grid at 100"),
            Measure.Report("fetch.failed", bigFailed + seedFailed + wideFailed, "requests", "=0", "failed requests"),
            Measure.Report("fetch.other-processes", use.Others ?? double.NaN, "cores", "-", "other processes' CPU (server included)"),
        ];
        Measure.PrintResults(results);
        return 0;
    }

    private static async Task<(TimeSpan Wall, long Failed)> RunAsync(GridClient client, SlowServer server, long count, int concurrency, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var job = client.Fetch(Urls(server, count), new FetchOptions { MaxConcurrency = concurrency, Body = FetchBodyMode.Hash, MaxRetries = 0 }, cancellationToken);
        long failed = 0;
        await foreach (var result in job.ConfigureAwait(false))
        {
            failed += result.IsSuccess ? 0 : 1;
        }

        return (Stopwatch.GetElapsedTime(start), failed);
    }

    private static IEnumerable<string> Urls(SlowServer server, long count)
    {
        for (long i = 0; i < count; i++)
        {
            yield return server.Url(string.Create(CultureInfo.InvariantCulture, $"/item/{i}"));
        }
    }

    private static async Task<double?> RunPythonAsync(string python, SlowServer server, CancellationToken cancellationToken)
    {
        var output = await PythonScript.RunAsync(python, Path.Combine("Io", "seed_fetch.py"), [server.Url(string.Empty), "100", "5"], cancellationToken).ConfigureAwait(false);
        return output is null ? null : double.Parse(output.Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
