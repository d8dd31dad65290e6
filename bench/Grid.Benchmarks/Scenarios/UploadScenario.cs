using System.Diagnostics;
using System.Globalization;
using Grid.Benchmarks.Io;
using Grid.Client;

namespace Grid.Benchmarks.Scenarios;

/// <summary>The seed's upload story: 1,000 files of 200 KB sent to a loopback endpoint that takes 0.5 s per request, at concurrency 200.</summary>
internal sealed class UploadScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "upload";

    /// <inheritdoc />
    public string Description => "1,000 files of 200 KB PUT to a 0.5 s loopback endpoint at concurrency 200 [--files 1000] [--kb 200] [--concurrency 200]";

    /// <inheritdoc />
    public async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var files = args.GetInt64("files", 1000);
        var kilobytes = args.GetInt64("kb", 200);
        var concurrency = checked((int)args.GetInt64("concurrency", 200));
        args.ThrowIfUnknownOptions();

        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"grid-bench-upload-{Guid.NewGuid():N}")).FullName;
        try
        {
            var data = new byte[kilobytes * 1024];
            Random.Shared.NextBytes(data);
            for (var i = 0; i < files; i++)
            {
                await File.WriteAllBytesAsync(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"file-{i:D5}.bin")), data, cancellationToken).ConfigureAwait(false);
            }

            await using var server = await SlowServer.StartAsync(cancellationToken).ConfigureAwait(false);
            await using var client = await GridClient.StartEmbeddedAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Measure.Header(string.Create(CultureInfo.InvariantCulture, $"upload: {files} files of {kilobytes} KB PUT to a loopback endpoint that takes 0.5 s per request, at concurrency {concurrency}"), null);

            // Warm-up: the first 50 files, so that JIT and the first connections are not measured.
            await RunAsync(client, folder, [.. Directory.EnumerateFiles(folder).Take(50).Select(Path.GetFileName)!], server, concurrency, cancellationToken).ConfigureAwait(false);

            var cpu = CpuSample.Take();
            var (wall, failed, bytes) = await RunAsync(client, folder, null, server, concurrency, cancellationToken).ConfigureAwait(false);
            var use = CpuSample.CoresSince(cpu);
            var floor = Math.Ceiling(files / (double)concurrency) * 0.5;
            Measure.Line("upload", $"{Measure.Seconds(wall)} (floor {floor:F1} s), {Measure.ToMegabytes(bytes):F0} MB sent, {failed} failed, {CpuSample.Describe(use)}");
            ResultLine[] results =
            [
                Measure.Report("upload.wall", wall.TotalSeconds, "s", string.Create(CultureInfo.InvariantCulture, $"<={floor * 1.2:0.###}"), "wall (floor + 20%)"),
                Measure.Report("upload.failed", failed, "files", "=0", "failed files"),
                Measure.Report("upload.peak-rss", Measure.PeakResidentBytes() is { } peak ? Measure.ToMegabytes(peak) : double.NaN, "MB", "-", "peak RSS"),
                Measure.Report("upload.other-processes", use.Others ?? double.NaN, "cores", "-", "other processes' CPU (server included)"),
            ];
            Measure.PrintResults(results);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(TimeSpan Wall, long Failed, long Bytes)> RunAsync(GridClient client, string folder, string[]? only, SlowServer server, int concurrency, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var options = new UploadOptions { MaxConcurrency = concurrency, MaxRetries = 0 };
        var job = only is null
            ? client.Upload(folder, server.Url("/bucket/"), options, cancellationToken)
            : client.Upload(folder, only, server.Url("/bucket/"), options, cancellationToken);
        long failed = 0, bytes = 0;
        await foreach (var result in job.ConfigureAwait(false))
        {
            failed += result.IsSuccess ? 0 : 1;
            bytes += result.Value?.Bytes ?? 0;
        }

        return (Stopwatch.GetElapsedTime(start), failed, bytes);
    }
}
