using System.Diagnostics;
using System.Globalization;

namespace Grid.Kernels.Isolation;

/// <summary>Reads a process's resident set size: from <c>/proc/PID/statm</c> on Linux (cheap enough to poll), from <see cref="Process.WorkingSet64"/> elsewhere.</summary>
internal static class ProcessMemory
{
    /// <summary>Returns the resident bytes of process <paramref name="pid"/>, or <see langword="null"/> when it cannot be read (the process is gone).</summary>
    public static long? ResidentBytes(int pid)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // "size resident shared text lib data dt", in pages.
                var statm = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/statm");
                var fields = statm.Split(' ', 3);
                return fields.Length > 1 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pages)
                    ? pages * Environment.SystemPageSize
                    : null;
            }

            using var process = Process.GetProcessById(pid);
            return process.WorkingSet64;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
