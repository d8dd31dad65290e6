using System.CommandLine;
using Grid.Cli.Commands;
using Grid.Client;

namespace Grid.Tests.Cli;

[Trait("Category", "Fast")]
public sealed class KernelJobOptionsTests
{
    [Fact]
    public void ToMapOptions_EveryLimitAndRetryOption_SetsTheJobsOptions()
    {
        var options = Parse(
            "primes", "7", "--item-timeout", "2", "--hard-item-timeout", "5.5", "--max-failures", "3", "--retries", "2", "--retry-timeouts", "--retry-crashes");

        Assert.Equal(TimeSpan.FromSeconds(2), options.ItemTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5.5), options.HardItemTimeout);
        Assert.Equal(3, options.MaxFailures);
        var retry = Assert.IsType<Grid.Jobs.RetryPolicy>(options.Retry);
        Assert.Equal(3, retry.MaxAttempts);
        Assert.Empty(retry.RetryOn);
        Assert.True(retry.RetryTimeouts);
        Assert.True(retry.RetryCrashes);
        options.Validate();
    }

    [Fact]
    public void ToMapOptions_GlobalLimitsBeforeTheCommand_AreReadToo()
    {
        var options = Parse("--max-failures", "0", "--hard-item-timeout", "1", "primes", "7");

        Assert.Equal(0, options.MaxFailures);
        Assert.Equal(TimeSpan.FromSeconds(1), options.HardItemTimeout);
        Assert.Null(options.ItemTimeout);
    }

    [Fact]
    public void ToMapOptions_RetriesOnly_RetriesAnyErrorButNotTimeoutsOrCrashes()
    {
        var retry = Assert.IsType<Grid.Jobs.RetryPolicy>(Parse("primes", "7", "--retries", "4").Retry);

        Assert.Equal(5, retry.MaxAttempts);
        Assert.Empty(retry.RetryOn);
        Assert.False(retry.RetryTimeouts);
        Assert.False(retry.RetryCrashes);
    }

    [Fact]
    public void ToMapOptions_RetriesZero_TurnsTheKernelsRetriesOff()
    {
        Assert.Equal(1, Parse("primes", "7", "--retries", "0").Retry?.MaxAttempts);
    }

    [Fact]
    public void ToMapOptions_NoLimitOptions_LeavesTheDefaults()
    {
        var options = Parse("primes", "7");

        Assert.Null(options.HardItemTimeout);
        Assert.Null(options.MaxFailures);
        Assert.Null(options.Retry);
    }

    [Fact]
    public void ToMapOptions_HardLimitEqualToSoftLimit_IsAccepted()
    {
        var options = Parse("primes", "7", "--item-timeout", "3", "--hard-item-timeout", "3");

        Assert.Equal(options.ItemTimeout, options.HardItemTimeout);
        options.Validate();
    }

    // The command is built from the same parts as the app's kernel commands: the global options on the root, the retry options on the command.
    private static MapOptions Parse(params string[] args)
    {
        var global = new GlobalOptions();
        var kernelArguments = new KernelJobArguments();
        var primes = new Command("primes") { new Argument<string[]>("NUMBERS") };
        kernelArguments.AddTo(primes);
        var root = new RootCommand { primes };
        global.AddTo(root);

        var parseResult = root.Parse(args);

        Assert.Empty(parseResult.Errors);
        return kernelArguments.Apply(parseResult, global.Read(parseResult)).ToMapOptions();
    }
}
