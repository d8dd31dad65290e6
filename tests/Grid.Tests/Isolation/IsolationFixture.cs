using Grid.Client;
using Grid.Kernels.Isolation;
using Grid.Hosting;
using Grid.TestingHost;

namespace Grid.Tests.Isolation;

/// <summary>One in-process silo with two workers and the isolation test kernels, whose worker processes the tests share.</summary>
public sealed class IsolationFixture : IAsyncLifetime
{
    public const int Workers = 2;

    /// <summary>How long a kernel that ignores its token may go on after its job ends before its worker process is killed.</summary>
    /// <remarks>Far longer than a kernel's token callback takes to write a file, so a test can see the process outlive its token before the kill.</remarks>
    public static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(2);

    private TestCluster? _cluster;

    public GridClient Client => Cluster.Client;

    internal KernelProcesses Processes => (KernelProcesses)Cluster.Services.GetService(typeof(KernelProcesses))!;

    private TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The silo has not started.");

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(silo => silo
        .Configure(o => o.MaxLocalWorkers = Workers)
        .ConfigureIsolation(o => o.CancelGrace = CancelGrace)
        .AddKernel<AnnouncedStuckKernel>()
        .AddKernel<IsolatedSpinKernel>()
        .AddKernel<ProcessIdKernel>()
        .AddKernel<FailFastKernel>()
        .AddKernel<CrashOnceKernel>()
        .AddKernel<StackOverflowKernel>()
        .AddKernel<MemoryKernel>()
        .AddKernel<PrintingKernel>()
        .AddKernel<TokenWaitKernel>()
        .AddKernel<AnnouncedTokenWaitKernel>());

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>The tests that share <see cref="IsolationFixture"/>, one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class IsolationCollection : ICollectionFixture<IsolationFixture>
{
    public const string Name = "silo with process-isolated kernels";
}
