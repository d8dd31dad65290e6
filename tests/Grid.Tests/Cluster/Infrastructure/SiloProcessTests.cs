namespace Grid.Tests.Cluster;

/// <summary>A test can start the real silo program, read its output, stop it gracefully or kill it, and leaves no process behind.</summary>
/// <remarks>These silos run on their own, outside any cluster, so the tests need no broker.</remarks>
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
    public void ChildProcesses_DieWithTheTestHost()
    {
        // Without setpriv (util-linux) a killed test host would leave its silos running.
        Assert.True(ChildProcessLauncher.DiesWithTestHost, "setpriv is missing: install util-linux");
    }
}
