using System.Diagnostics;
using System.Globalization;

namespace Grid.Benchmarks;

/// <summary>The CPU time used so far by this process and by the whole machine, to tell how many cores a measured phase really had.</summary>
/// <remarks>
/// On a shared machine a CPU benchmark measures the cores other processes leave free; reporting what they took
/// during the phase says whether a missed target belongs to Grid or to the neighbours.
/// </remarks>
internal readonly record struct CpuSample(long Timestamp, TimeSpan Process, TimeSpan? Machine)
{
    // /proc/stat counts in USER_HZ ticks, 100 a second on every Linux build the .NET runtime supports.
    private const double TicksPerSecond = 100;

    /// <summary>Reads the counters now.</summary>
    public static CpuSample Take()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new CpuSample(Stopwatch.GetTimestamp(), self.TotalProcessorTime, ReadMachineBusy());
    }

    /// <summary>Describes the cores this process and all other processes kept busy, as <see cref="CoresSince"/> returns them.</summary>
    public static string Describe((double Own, double? Others) use)
    {
        var (own, others) = use;
        return others is { } o
            ? string.Create(CultureInfo.InvariantCulture, $"this process {own:F2} cores, other processes {o:F2} cores (of {Environment.ProcessorCount})")
            : string.Create(CultureInfo.InvariantCulture, $"this process {own:F2} cores (of {Environment.ProcessorCount})");
    }

    /// <summary>Returns the average cores this process and all other processes kept busy since <paramref name="before"/>.</summary>
    public static (double Own, double? Others) CoresSince(CpuSample before)
    {
        var now = Take();
        var wall = Stopwatch.GetElapsedTime(before.Timestamp, now.Timestamp).TotalSeconds;
        var own = (now.Process - before.Process).TotalSeconds / wall;
        double? others = now.Machine is { } m && before.Machine is { } b
            ? Math.Max(0, ((m - b).TotalSeconds / wall) - own)
            : null;
        return (own, others);
    }

    private static TimeSpan? ReadMachineBusy()
    {
        const string path = "/proc/stat";
        if (!File.Exists(path))
        {
            return null;
        }

        // "cpu  user nice system idle iowait irq softirq steal ...": busy is everything but idle and iowait.
        using var reader = new StreamReader(path);
        var fields = reader.ReadLine()?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is null || fields.Length < 9 || fields[0] != "cpu")
        {
            return null;
        }

        var ticks = fields[1..9].Select(f => long.Parse(f, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
        var busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7];
        return TimeSpan.FromSeconds(busy / TicksPerSecond);
    }
}
