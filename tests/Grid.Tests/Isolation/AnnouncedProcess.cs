using System.Globalization;
using Grid.Tests.TestKernels;

namespace Grid.Tests.Isolation;

/// <summary>How an isolated test kernel tells the test which process it runs in: a file holding the process id, written whole (a rename).</summary>
internal static class AnnouncedProcess
{
    /// <summary>Writes the id of the calling process into <paramref name="path"/>; called by kernels in their worker process.</summary>
    public static void Write(string path)
    {
        var written = path + ".tmp";
        File.WriteAllText(written, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        File.Move(written, path);
    }

    /// <summary>Waits until a process has written its id into <paramref name="path"/>, up to the hang limit, and returns the id.</summary>
    /// <remarks>The file is written by another process, which sends no event the test could wait on, so it is looked for every 10 ms.</remarks>
    public static async Task<int> ReadAsync(string path)
    {
        using var timeout = new CancellationTokenSource(TestLimits.Hang);
        try
        {
            while (!File.Exists(path))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
            }

            return int.Parse(await File.ReadAllTextAsync(path, timeout.Token), CultureInfo.InvariantCulture);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No process wrote {path} within {TestLimits.Hang.TotalSeconds:0} s.");
        }
    }
}
