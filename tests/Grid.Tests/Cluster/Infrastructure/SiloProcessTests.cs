namespace Grid.Tests.Cluster;

/// <summary>A test can start the real silo program, read its output, stop it gracefully or kill it, and leaves no process behind.</summary>
/// <remarks>These silos run on their own, outside any cluster (Orleans' localhost clustering on their two ports), so the tests need no Redis.</remarks>
[Trait("Category", "Cluster")]
public sealed class SiloProcessTests
{
    [Fact]
    public async Task TerminateAsync_StartedSilo_ExitsZeroAfterAGracefulStop()
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions { Name = "solo-term" });
        await silo.WaitForLineAsync(SiloProcess.HostStartedLine, TestKernels.TestLimits.Hang);

        var exitCode = await silo.TerminateAsync();

        Assert.True(exitCode == 0, silo.Log);
        Assert.Contains(silo.Lines, line => line.Contains("Application is shutting down", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KillHard_StartedSilo_DiesBySigkill()
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions { Name = "solo-kill" });
        await silo.WaitForLineAsync(SiloProcess.HostStartedLine, TestKernels.TestLimits.Hang);

        silo.KillHard();
        var exitCode = await silo.WaitForExitAsync(TestKernels.TestLimits.Hang);

        Assert.Equal(128 + 9, exitCode);
        Assert.DoesNotContain(silo.Lines, line => line.Contains("Application is shutting down", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WaitForLineAsync_SiloExitsFirst_FailsAtOnceWithTheSilosOutput()
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions { Name = "solo-bad", MaxLocalWorkers = 0 });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => silo.WaitForLineAsync(SiloProcess.HostStartedLine, TestKernels.TestLimits.Hang));

        Assert.Equal(2, silo.ExitCode);
        Assert.Contains("exited with code 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("Grid:Silo:MaxLocalWorkers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForLineAsync_FromLineCount_WaitsForALaterLineOnly()
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions { Name = "solo-later" });
        await silo.WaitForLineAsync(SiloProcess.HostStartedLine, TestKernels.TestLimits.Hang);
        var mark = silo.LineCount;

        var later = silo.WaitForLineAsync(SiloProcess.HostStartedLine, TestKernels.TestLimits.Hang, fromLine: mark);
        await silo.TerminateAsync();

        // The only "Application started" line came before the mark, so the wait ends with the exit, not with a match.
        await Assert.ThrowsAsync<InvalidOperationException>(() => later);
    }

    [Fact]
    public async Task DisposeAsync_RunningSilo_LeavesNoProcess()
    {
        var silo = await SiloProcess.StartAsync(new SiloProcessOptions { Name = "solo-dispose" });
        await silo.WaitForLineAsync(SiloProcess.HostStartedLine, TestKernels.TestLimits.Hang);

        await silo.DisposeAsync();

        Assert.True(silo.HasExited);
        Assert.False(Directory.Exists($"/proc/{silo.Id}"), $"process {silo.Id} still exists");
    }

    [Fact]
    public async Task StartAsync_NoPortsGiven_ListensOnTwoFreeLoopbackPortsOfItsOwn()
    {
        await using var first = await SiloProcess.StartAsync(new SiloProcessOptions { Name = "solo-ports-1" });
        await using var second = await SiloProcess.StartAsync(new SiloProcessOptions { Name = "solo-ports-2" });
        await first.WaitForLineAsync(SiloProcess.HostStartedLine, TestKernels.TestLimits.Hang);
        await second.WaitForLineAsync(SiloProcess.HostStartedLine, TestKernels.TestLimits.Hang);

        var ports = new[] { first.SiloPort, first.GatewayPort, second.SiloPort, second.GatewayPort };
        var sockets = await ToolRunner.RunAsync("ss", ["-ltnH"]);

        Assert.Equal(ports.Length, ports.Distinct().Count());
        Assert.All(ports, port => Assert.Contains($"127.0.0.1:{port} ", sockets.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PauseResume_StartedSilo_StopsTheProcessAndLetsItRunOn()
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions { Name = "solo-pause" });
        await silo.WaitForLineAsync(SiloProcess.HostStartedLine, TestKernels.TestLimits.Hang);

        silo.Pause();
        await WaitForStateAsync(silo, stopped: true);
        Assert.True(silo.IsPaused);
        silo.Resume();
        await WaitForStateAsync(silo, stopped: false);

        Assert.False(silo.IsPaused);
        Assert.True(await silo.TerminateAsync() == 0, silo.Log);
    }

    [Fact]
    public async Task TerminateAsync_PausedSilo_ResumesItAndExitsZero()
    {
        await using var silo = await SiloProcess.StartAsync(new SiloProcessOptions { Name = "solo-paused-term" });
        await silo.WaitForLineAsync(SiloProcess.HostStartedLine, TestKernels.TestLimits.Hang);
        silo.Pause();
        await WaitForStateAsync(silo, stopped: true);

        var exitCode = await silo.TerminateAsync();

        Assert.True(exitCode == 0, silo.Log);
        Assert.Throws<InvalidOperationException>(silo.Pause);
    }

    /// <summary>Waits until the silo's process is stopped (state T in /proc/PID/stat) or runs again, as <paramref name="stopped"/> says.</summary>
    private static async Task WaitForStateAsync(SiloProcess silo, bool stopped)
    {
        var deadline = DateTime.UtcNow + TestKernels.TestLimits.Hang;
        while (true)
        {
            var stat = await File.ReadAllTextAsync($"/proc/{silo.Id}/stat");
            var state = stat[stat.LastIndexOf(')') + 2];
            if ((state == 'T') == stopped)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"process {silo.Id} is still in state {state}, not {(stopped ? "stopped" : "running")}.\n{silo.Log}");
            await Task.Delay(20);
        }
    }
}
