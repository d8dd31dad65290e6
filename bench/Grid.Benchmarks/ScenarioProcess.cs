using System.Diagnostics;

namespace Grid.Benchmarks;

/// <summary>Starts this benchmark program again in a child process to run one scenario there.</summary>
internal static class ScenarioProcess
{
    /// <summary>Makes the start info of a child running <paramref name="scenario"/>, with redirected output and no shell.</summary>
    public static ProcessStartInfo StartInfo(string scenario)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown."))
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        // Run from 'dotnet Grid.Benchmarks.dll' the host is dotnet itself and needs the assembly; the apphost does not.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ScenarioProcess).Assembly.Location);
        }

        start.ArgumentList.Add(scenario);
        return start;
    }
}
