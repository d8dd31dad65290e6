using System.Diagnostics;
using Grid.Tests.TestKernels;

namespace Grid.Tests;

/// <summary>Runs a command-line tool to completion for a test and hands back its exit code and output.</summary>
internal static class ToolRunner
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/> and <paramref name="standardInput"/> (none by default);
    /// the environment changes set (a value) or remove (null) variables.</summary>
    /// <exception cref="TimeoutException">The tool was still running after <see cref="TestLimits.Hang"/>; it is killed, as on cancellation.</exception>
    public static async Task<ToolResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start {fileName}");
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(TestLimits.Hang, cancellationToken);
        }
        catch (TimeoutException exception)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {TestLimits.Hang.TotalSeconds:0} s", exception);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>What a tool run by <see cref="ToolRunner"/> printed and how it exited.</summary>
internal sealed record ToolResult(int ExitCode, string Output, string Error)
{
    /// <summary>Standard output and standard error together, for assertion messages.</summary>
    public string AllOutput => Output + Error;
}
