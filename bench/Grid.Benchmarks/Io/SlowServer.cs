using System.Diagnostics;
using System.Globalization;

namespace Grid.Benchmarks.Io;

/// <summary>Starts <see cref="SlowServerScenario"/> in a child process, so that its work and memory are not counted as the benchmark's own.</summary>
internal sealed class SlowServer : IAsyncDisposable
{
    private readonly Process _process;

    private SlowServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Gets the URL of <paramref name="path"/> on the server.</summary>
    public string Url(string path) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}{path}");

    public static async Task<SlowServer> StartAsync(CancellationToken cancellationToken)
    {
        var start = ScenarioProcess.StartInfo(SlowServerScenario.ScenarioName);
        start.RedirectStandardInput = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the benchmark server.");
        while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
            {
                return new SlowServer(process, int.Parse(line["LISTENING ".Length..], CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException($"The benchmark server exited with {process.ExitCode} before it listened.");
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
