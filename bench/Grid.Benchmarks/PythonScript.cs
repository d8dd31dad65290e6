using System.Diagnostics;

namespace Grid.Benchmarks;

/// <summary>Runs one of the benchmark's Python scripts (shipped beside the program) for a side-by-side figure.</summary>
internal static class PythonScript
{
    /// <summary>Runs <paramref name="script"/> (a path below the program's folder) with <paramref name="arguments"/>; returns its standard output, or <see langword="null"/> when Python is missing or the script failed.</summary>
    public static async Task<string?> RunAsync(string python, string script, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
