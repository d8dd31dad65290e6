using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grid.Cli.Output;
using Grid.Cli.Parsing;
using Grid.Client;
using Grid.Fetch;
using Grid.Jobs;

namespace Grid.Cli.Commands;

/// <summary>The options <c>grid fetch</c> and <c>grid upload</c> share (<c>--concurrency</c>, <c>--per-host</c>, <c>--retries</c>), their summary (failures by reason, bytes, latency percentiles) and their result format.</summary>
internal sealed class HttpJobArguments
{
    /// <summary>The most retries <c>--retries</c> takes.</summary>
    public const int MaxRetries = 100;

    /// <summary>Gets the <c>--concurrency</c> option.</summary>
    public Option<int?> Concurrency { get; } = new("--concurrency")
    {
        Description = "The most requests in flight at once. Default: 100.",
        HelpName = "N",
        CustomParser = ValueParsers.PositiveInt("--concurrency", 100_000),
    };

    /// <summary>Gets the <c>--per-host</c> option.</summary>
    public Option<int?> PerHost { get; } = new("--per-host")
    {
        Description = "The most requests in flight at once to one host. Default: no limit beyond --concurrency.",
        HelpName = "N",
        CustomParser = ValueParsers.PositiveInt("--per-host", 100_000),
    };

    /// <summary>Gets the <c>--retries</c> option.</summary>
    public Option<int?> Retries { get; } = new("--retries")
    {
        Description = "How many times a transient failure (connection error, time-out, 5xx, 429) is tried again; never a 4xx. Default: 2.",
        HelpName = "N",
        CustomParser = ValueParsers.NonNegativeInt("--retries", MaxRetries),
    };

    /// <summary>The note on time limits both commands' help gives.</summary>
    public const string TimeLimitsHelp = " Each request's time limit is --item-timeout (default 30 s); --timeout limits the whole job.";

    /// <summary>Gets the format of fetch and upload results: the label is the input, the line says status, bytes and time.</summary>
    public static ItemFormat<string, FetchResult> Format { get; } = new()
    {
        Label = input => input.Length <= 200 ? input : input[..200] + "...",
        Line = (input, result) => string.Create(
            CultureInfo.InvariantCulture,
            $"{input} {result.StatusCode} {result.Bytes} bytes {result.Elapsed.TotalMilliseconds:0} ms{(result.Attempts > 1 ? $" ({result.Attempts} attempts)" : string.Empty)}{(result.SavedPath is { } saved ? " -> " + saved : string.Empty)}"),
        WriteInput = (writer, input) => writer.WriteStringValue(input),
        ShowsAttempts = false,
        WriteValue = (writer, result) =>
        {
            writer.WriteStartObject();
            writer.WriteString("url", result.Url);
            writer.WriteNumber("statusCode", result.StatusCode);
            writer.WriteNumber("bytes", result.Bytes);
            writer.WriteNumber("attempts", result.Attempts);
            WriteIfSet(writer, "finalUrl", result.FinalUrl);
            WriteIfSet(writer, "contentType", result.ContentType);
            WriteIfSet(writer, "savedPath", result.SavedPath);
            WriteIfSet(writer, "sha256", result.Sha256);
            WriteIfSet(writer, "file", result.File);
            writer.WriteEndObject();
        },
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Concurrency);
        command.Options.Add(PerHost);
        command.Options.Add(Retries);
    }

    /// <summary>Sets the options given on the command line, and the global time limits, on <paramref name="options"/>.</summary>
    public T Apply<T>(ParseResult parseResult, RunSettings settings, T options, IProgress<JobProgress>? progress)
        where T : HttpJobOptions => options with
        {
            MaxConcurrency = parseResult.GetValue(Concurrency) ?? options.MaxConcurrency,
            MaxPerHost = parseResult.GetValue(PerHost) ?? options.MaxPerHost,
            MaxRetries = parseResult.GetValue(Retries) ?? options.MaxRetries,
            RequestTimeout = settings.ItemTimeout ?? options.RequestTimeout,
            JobTimeout = settings.JobTimeout,
            Progress = progress,
        };

    /// <summary>Runs a fetch or upload job and writes its results, its summary and the requests' account; returns the exit code.</summary>
    public static async Task<int> RunAsync(
        CliContext context,
        RunSettings settings,
        string kind,
        ItemSource<string> inputs,
        Func<IProgress<JobProgress>?, GridJob<FetchResult>> start,
        CancellationToken cancellationToken)
    {
        var output = new JobOutput(context, settings);
        var latencies = new List<double>();
        long bytes = 0;
        var report = await output.RunAsync(kind, inputs, start, Format, result =>
        {
            if (result.Value is { } value && result.Status != ItemStatus.Cancelled)
            {
                latencies.Add(value.Elapsed.TotalMilliseconds);
                bytes += value.Bytes;
            }
        }, cancellationToken);

        latencies.Sort();
        var p50 = Percentile(latencies, 50);
        var p99 = Percentile(latencies, 99);
        var reasons = report.Summary?.FailureReasons ?? new Dictionary<string, long>();
        var exitCode = output.Finish(report, writer =>
        {
            writer.WriteStartObject("failureReasons");
            foreach (var (reason, count) in reasons.OrderByDescending(r => r.Value))
            {
                writer.WriteNumber(reason, count);
            }

            writer.WriteEndObject();
            writer.WriteNumber("bytes", bytes);
            writer.WriteNumber("latencyP50Ms", p50);
            writer.WriteNumber("latencyP99Ms", p99);
        });
        if (!settings.Json && report.Summary is { } summary)
        {
            var failed = reasons.Count == 0 ? "none failed" : "failed by reason: " + string.Join(", ", reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value}"));
            context.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"requests: {summary.Succeeded} ok, {failed}; {bytes} bytes; latency p50 {p50:0.0} ms, p99 {p99:0.0} ms"));
        }

        return exitCode;
    }

    private static double Percentile(List<double> sorted, double percent)
        => sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
