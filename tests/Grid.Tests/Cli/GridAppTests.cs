using Grid.Cli;

namespace Grid.Tests.Cli;

[Trait("Category", "Fast")]
public sealed class GridAppTests
{
    [Theory]
    [InlineData("", "grid: no command given; try 'grid --help'")]
    [InlineData("frobnicate", "grid: unknown command 'frobnicate'; commands: primes, pi, transform, fetch, upload, bench, kernels, status, jobs, attach, cancel, forget")]
    [InlineData("primes --bogus 7", "grid: unknown option '--bogus'")]
    [InlineData("kernels --bogus", "grid: unknown option '--bogus'")]
    [InlineData("kernels extra", "grid: unexpected argument 'extra'")]
    [InlineData("primes 12 abc", "grid: 'abc' is not a whole number")]
    [InlineData("primes 99999999999999999999", "grid: '99999999999999999999' is too large (whole numbers go from -9223372036854775808 to 9223372036854775807)")]
    [InlineData("primes", "grid primes: no numbers given; pass numbers, --file or --from/--count")]
    [InlineData("primes --from 10 --count 0", "grid: --count must be a whole number of at least 1; got '0'")]
    [InlineData("primes --from 10 --count -5", "grid: --count must be a whole number of at least 1; got '-5'")]
    [InlineData("primes --from x --count 5", "grid: --from: 'x' is not a whole number")]
    [InlineData("primes --from 10", "grid primes: --from and --count go together")]
    [InlineData("primes 7 --from 10 --count 2", "grid primes: give numbers, --file or --from/--count, not more than one of them")]
    [InlineData("primes --from 9223372036854775807 --count 2", "grid primes: --from 9223372036854775807 --count 2 goes past the largest whole number, 9223372036854775807")]
    [InlineData("primes 7 --timeout -1", "grid: --timeout must be a positive number of seconds; got '-1'")]
    [InlineData("primes 7 --timeout 0", "grid: --timeout must be a positive number of seconds; got '0'")]
    [InlineData("primes 7 --item-timeout soon", "grid: --item-timeout must be a positive number of seconds; got 'soon'")]
    [InlineData("primes 7 --item-timeout 1e9", "grid: --item-timeout must be at most 2592000 seconds (30 days); got '1e9'")]
    [InlineData("--workers 0 primes 7", "grid: --workers must be a whole number from 1 to 4096; got '0'")]
    [InlineData("primes 7 --workers many", "grid: --workers must be a whole number from 1 to 4096; got 'many'")]
    [InlineData("primes 7 --hard-item-timeout 0", "grid: --hard-item-timeout must be a positive number of seconds; got '0'")]
    [InlineData("primes 7 --hard-item-timeout later", "grid: --hard-item-timeout must be a positive number of seconds; got 'later'")]
    [InlineData("primes 7 --hard-item-timeout 3e6", "grid: --hard-item-timeout must be at most 2592000 seconds (30 days); got '3e6'")]
    [InlineData("primes 7 --item-timeout 5 --hard-item-timeout 1.5", "grid: --hard-item-timeout (1.5 s) must not be shorter than --item-timeout (5 s): the soft limit signals the kernel first, the hard limit then abandons it")]
    [InlineData("--hard-item-timeout 1 primes 7 --item-timeout 2", "grid: --hard-item-timeout (1 s) must not be shorter than --item-timeout (2 s): the soft limit signals the kernel first, the hard limit then abandons it")]
    [InlineData("primes 7 --max-failures -1", "grid: --max-failures must be a whole number of at least 0; got '-1'")]
    [InlineData("primes 7 --max-failures some", "grid: --max-failures must be a whole number of at least 0; got 'some'")]
    [InlineData("primes 7 --retries 101", "grid: --retries must be a whole number from 0 to 100; got '101'")]
    [InlineData("primes 7 --retries -1", "grid: --retries must be a whole number from 0 to 100; got '-1'")]
    [InlineData("pi --samples 100 --retries twice", "grid: --retries must be a whole number from 0 to 100; got 'twice'")]
    [InlineData("primes 7 --retry-timeouts", "grid: --retry-timeouts needs --retries N, the extra attempts an item may have")]
    [InlineData("bench --retry-crashes", "grid: --retry-crashes needs --retries N, the extra attempts an item may have")]
    [InlineData("--max-failures 1 fetch urls.txt", "grid: --max-failures applies to the kernel commands (primes, pi, transform, bench), not to fetch")]
    [InlineData("upload in http://127.0.0.1/ --hard-item-timeout 3", "grid: --hard-item-timeout applies to the kernel commands (primes, pi, transform, bench), not to upload")]
    [InlineData("fetch urls.txt --retry-timeouts", "grid: unknown option '--retry-timeouts'")]
    [InlineData("kernels --retries 1", "grid: unknown option '--retries'")]
    [InlineData("pi", "grid: option '--samples' is required")]
    [InlineData("pi --samples 0", "grid: --samples must be a whole number of at least 1; got '0'")]
    [InlineData("pi --samples 1000 --chunk -1", "grid: --chunk must be a whole number of at least 1; got '-1'")]
    [InlineData("bench --kernel nope", "grid bench: unknown kernel 'nope'; known kernels: is-prime, monte-carlo-pi")]
    [InlineData("bench --items 0", "grid: --items must be a whole number of at least 1; got '0'")]
    [InlineData("transform /no/such/grid/folder out", "grid transform: input folder '/no/such/grid/folder' does not exist")]
    public async Task RunAsync_BadArguments_ExitsTwoWithOneErrorLine(string commandLine, string expected)
    {
        var result = await CliRunner.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal([expected], result.ErrorLines);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task RunAsync_MissingTransformFolders_ExitsTwoWithOneLineStartingGrid()
    {
        var result = await CliRunner.RunAsync("transform");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("grid: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Help_ExitsZeroAndDocumentsExitCodes()
    {
        var result = await CliRunner.RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Contains("Exit codes: 0 the job completed and every item succeeded; 1 some items failed", result.Out.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Empty(result.Error);
    }

    [Theory]
    [InlineData("primes")]
    [InlineData("pi")]
    [InlineData("transform")]
    [InlineData("bench")]
    [InlineData("kernels")]
    public async Task RunAsync_CommandHelp_ListsGlobalOptions(string command)
    {
        var result = await CliRunner.RunAsync(command, "--help");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        foreach (var option in new[] { "--json", "--workers", "--item-timeout", "--hard-item-timeout", "--max-failures", "--timeout", "--ordered" })
        {
            Assert.Contains(option, result.Out, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("primes")]
    [InlineData("pi")]
    [InlineData("transform")]
    [InlineData("bench")]
    public async Task RunAsync_KernelCommandHelp_DescribesRetryOptions(string command)
    {
        var result = await CliRunner.RunAsync(command, "--help");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Contains(result.OutLines, line => line.TrimStart().StartsWith("--retries <N>", StringComparison.Ordinal) && line.Contains("whatever its error", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, line => line.TrimStart().StartsWith("--retry-timeouts", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, line => line.TrimStart().StartsWith("--retry-crashes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_FetchHelp_KeepsItsOwnRetriesOnly()
    {
        var result = await CliRunner.RunAsync("fetch", "--help");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var retries = Assert.Single(result.OutLines, line => line.TrimStart().StartsWith("--retries", StringComparison.Ordinal));
        Assert.Contains("transient failure", retries, StringComparison.Ordinal);
        Assert.DoesNotContain("--retry-timeouts", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Help_DescribesLimitsAndPointsToRetries()
    {
        var result = await CliRunner.RunAsync("--help");

        var text = result.Out.ReplaceLineEndings(" ");
        Assert.Contains("--hard-item-timeout <SECONDS>", text, StringComparison.Ordinal);
        Assert.Contains("--max-failures <N>", text, StringComparison.Ordinal);
        Assert.Contains("also take --retries N, --retry-timeouts and --retry-crashes", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CancelledBeforeStart_Exits130()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var result = await CliRunner.RunAsync(["primes", "7"], cancellation.Token);

        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
        Assert.Equal(["grid: cancelled"], result.ErrorLines);
    }
}
