namespace Grid.Tests.TestKernels;

/// <summary>The bound put on every wait that a bug could make endless; it detects hangs and is never a performance threshold.</summary>
internal static class TestLimits
{
    /// <summary>How long a test waits for something that should happen at once before it fails instead of hanging the run.</summary>
    public static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    /// <summary>Makes a token that cancels a job still running after <see cref="Hang"/>.</summary>
    public static CancellationTokenSource HangGuard() => new(Hang);
}
