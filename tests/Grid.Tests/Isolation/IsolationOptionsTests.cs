using Grid.Client;
using Grid.Kernels;
using Grid.Kernels.Isolation;
using Grid.Hosting;
using Grid.TestingHost;
using Grid.Tests.TestKernels;
using Microsoft.Extensions.Options;

namespace Grid.Tests.Isolation;

/// <summary>Bad hard limits, isolation settings and memory limits are rejected before anything runs, naming the setting.</summary>
[Trait("Category", "Process")]
public sealed class IsolationOptionsTests
{
    [Fact]
    public void MapOptions_HardItemTimeoutShorterThanItemTimeout_ThrowsNamingBoth()
    {
        var options = new MapOptions { ItemTimeout = TimeSpan.FromSeconds(2), HardItemTimeout = TimeSpan.FromSeconds(1) };

        var thrown = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(nameof(MapOptions.HardItemTimeout), thrown.ParamName);
        Assert.Contains(nameof(MapOptions.ItemTimeout), thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MapOptions_HardItemTimeoutNotPositive_ThrowsNamingIt()
    {
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(new MapOptions { HardItemTimeout = TimeSpan.Zero }.Validate);

        Assert.Equal(nameof(MapOptions.HardItemTimeout), thrown.ParamName);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(1e12)]
    public void AddKernel_AttributeHardTimeoutOutOfRange_ThrowsNamingIt(double seconds)
    {
        var options = KernelOptions.From(new KernelAttribute("k") { HardTimeoutSeconds = seconds });

        var thrown = Assert.Throws<ArgumentException>(() => options.Validate("k"));

        Assert.Contains("HardTimeout", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("'k'", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKernel_NonPublicClassWithProcessIsolation_ThrowsNamingTheKernel()
    {
        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => TestCluster.StartAsync(silo => silo
            .AddKernel<TwiceKernel>(TwiceKernel.Name, o => o.Isolation = KernelIsolation.Process)));

        Assert.Contains($"'{TwiceKernel.Name}'", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("public", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKernel_InstanceOfAProcessIsolatedKernel_ThrowsNamingTheKernel()
    {
        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => TestCluster.StartAsync(silo => silo
            .AddKernel("pid-instance", new ProcessIdKernel())));

        Assert.Contains("'pid-instance' is registered as an instance", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKernel_MemoryLimitWithoutProcessIsolation_ThrowsNamingIt()
    {
        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => TestCluster.StartAsync(silo => silo
            .AddKernel<SleepingKernel>(o => o.MemoryLimitMegabytes = 200)));

        Assert.Contains(nameof(KernelOptions.MemoryLimitMegabytes), thrown.Message, StringComparison.Ordinal);
        Assert.Contains("Isolation = Process", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKernel_MemoryLimitTooSmall_ThrowsNamingItAndTheRange()
    {
        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => TestCluster.StartAsync(silo => silo
            .AddKernel<ProcessIdKernel>(o => o.MemoryLimitMegabytes = 1)));

        Assert.Contains(nameof(KernelOptions.MemoryLimitMegabytes), thrown.Message, StringComparison.Ordinal);
        Assert.Contains($"between {KernelOptions.MinMemoryLimitMegabytes}", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_ItemTimeoutLongerThanKernelsHardLimit_IsRejectedNamingTheKernel()
    {
        await using var cluster = await TestCluster.StartAsync(silo => silo
            .AddKernel<SleepingKernel>(o => o.HardTimeout = TimeSpan.FromSeconds(1)));

        var job = cluster.Client.Map<int, int>(SleepingKernel.Name, [0], new MapOptions { ItemTimeout = TimeSpan.FromSeconds(5) });
        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => job.ReadAllAsync());

        Assert.Contains($"Kernel '{SleepingKernel.Name}''s hard time limit", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsolationOptionsValidator_OutOfRange_NamesEverySetting()
    {
        var options = new IsolationOptions
        {
            MemoryLimitMegabytes = 10,
            MemoryCheckInterval = TimeSpan.Zero,
            MaxFrameBytes = 10,
            StartTimeout = TimeSpan.Zero,
            HostPath = "/no/such/grid-kernel-host.dll",
        };

        var result = new IsolationOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        foreach (var setting in new[] { "MemoryLimitMegabytes", "MemoryCheckInterval", "MaxFrameBytes", "StartTimeout", "HostPath" })
        {
            Assert.Contains(result.Failures!, f => f.StartsWith($"Grid:Isolation:{setting} ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task StartEmbedded_BadIsolationSetting_FailsAtStartNamingIt()
    {
        var thrown = await Assert.ThrowsAsync<OptionsValidationException>(() => TestCluster.StartAsync(silo => silo
            .ConfigureIsolation(o => o.MaxFrameBytes = 1)));

        Assert.Contains(thrown.Failures, f => f.Contains("Grid:Isolation:MaxFrameBytes", StringComparison.Ordinal));
    }
}
