using System.Diagnostics;
using System.Globalization;

namespace Grid.Benchmarks;

/// <summary>The helpers every scenario shares: timing, medians and percentiles, memory readings and result printing.</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="action"/> once and returns how long it took.</summary>
    public static async Task<(T Value, TimeSpan Elapsed)> TimeAsync<T>(Func<Task<T>> action)
    {
        var start = Stopwatch.GetTimestamp();
        var value = await action().ConfigureAwait(false);
        return (value, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>Runs <paramref name="action"/> once and returns how long it took.</summary>
    public static (T Value, TimeSpan Elapsed) Time<T>(Func<T> action)
    {
        var start = Stopwatch.GetTimestamp();
        var value = action();
        return (value, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>Returns the median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Returns the <paramref name="percent"/>th percentile of already sorted values, by the nearest-rank method.</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("The percentile of no values is undefined.", nameof(sorted));
        }

        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Converts a <see cref="Stopwatch"/> tick count to microseconds.</summary>
    public static double TicksToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    /// <summary>Returns the process's peak resident set size in bytes (VmHWM), or <see langword="null"/> off Linux.</summary>
    public static long? PeakResidentBytes() => ReadProcStatusKilobytes("VmHWM:") * 1024;

    /// <summary>Returns the process's current resident set size in bytes (VmRSS), or <see langword="null"/> off Linux.</summary>
    public static long? ResidentBytes() => ReadProcStatusKilobytes("VmRSS:") * 1024;

    /// <summary>Returns the 1, 5 and 15 minute load averages, to tell whether other work shared the machine, or "unknown" off Linux.</summary>
    public static string LoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) ? string.Join(' ', File.ReadAllText(path).Split(' ').Take(3)) : "unknown";
    }

    /// <summary>Converts bytes to mebibytes.</summary>
    public static double ToMegabytes(long bytes) => bytes / (1024.0 * 1024.0);

    /// <summary>Describes the garbage collector's work since <paramref name="before"/>: collections per generation and bytes allocated.</summary>
    public static string DescribeGc(GcSnapshot before, long items)
    {
        var now = GcSnapshot.Take();
        var allocated = now.AllocatedBytes - before.AllocatedBytes;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"GC gen0/1/2 {now.Gen0 - before.Gen0}/{now.Gen1 - before.Gen1}/{now.Gen2 - before.Gen2}, allocated {ToMegabytes(allocated):F1} MB ({(double)allocated / Math.Max(1, items):F0} B/item)");
    }

    /// <summary>Prints the first lines of a scenario's block: what it runs and on what machine, busy how much.</summary>
    public static void Header(string title, long? workers)
    {
        Console.WriteLine(title);
        var pool = workers is { } n ? n.ToString(CultureInfo.InvariantCulture) : "default (cores)";
        Line("machine", $"{Environment.ProcessorCount} cores, grid workers {pool}, load average {LoadAverage()} at start");
    }

    /// <summary>Prints a labelled line of the human-readable block.</summary>
    public static void Line(string label, string text) => Console.WriteLine($"  {label,-28} {text}");

    /// <summary>Prints the machine-readable line of a figure, after a human-readable line that says whether it met its target.</summary>
    public static ResultLine Report(string name, double value, string unit, string target, string label)
    {
        var result = new ResultLine(name, value, unit, target);
        var verdict = result.Passed switch
        {
            true => "  PASS",
            false => "  MISS",
            null => string.Empty,
        };
        var goal = target == "-" ? string.Empty : $" (target {target})";
        Line(label, $"{result.FormatValue()} {unit}{goal}{verdict}");
        return result;
    }

    /// <summary>Prints the RESULT lines, one per figure, after the human-readable block.</summary>
    public static void PrintResults(IEnumerable<ResultLine> results)
    {
        foreach (var result in results)
        {
            Console.WriteLine(result);
        }
    }

    /// <summary>Formats a duration in seconds with three decimals.</summary>
    public static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture) + " s";

    private static long? ReadProcStatusKilobytes(string key)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                // The line reads "VmHWM:    123456 kB".
                var number = line[key.Length..].Trim().Split(' ')[0];
                return long.Parse(number, NumberStyles.Integer, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
