using System.Text.Json;
using Grid.Cli;

namespace Grid.Tests.Cli;

[Collection(EmbeddedSiloCollection.Name)]
[Trait("Category", "Fast")]
public sealed class PrimesCommandTests : IDisposable
{
    // The numbers of the seed program (its list repeats 112272535095293).
    private static readonly string[] SeedNumbers =
        ["112272535095293", "112582705942171", "112272535095293", "115280095190773", "115797848077099", "1099726899285419"];

    private static readonly string[] SeedVerdicts =
    [
        "112272535095293 is prime",
        "112582705942171 is prime",
        "112272535095293 is prime",
        "115280095190773 is prime",
        "115797848077099 is prime",
        "1099726899285419 is not prime",
    ];

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"grid-primes-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task RunAsync_SeedNumbers_PrintsSixVerdictsAndSummary()
    {
        var result = await CliRunner.RunAsync(["primes", .. SeedNumbers]);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(SeedVerdicts.Order(StringComparer.Ordinal), result.ResultLines.Order(StringComparer.Ordinal));
        Assert.StartsWith("done: 6 items, 6 ok, 0 failed, 0 timed out, 0 cancelled in ", result.OutLines[^1], StringComparison.Ordinal);
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task RunAsync_Ordered_PrintsVerdictsInInputOrder()
    {
        var result = await CliRunner.RunAsync(["primes", "--ordered", "--workers", "3", .. SeedNumbers]);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(SeedVerdicts, result.ResultLines);
    }

    [Fact]
    public async Task RunAsync_Json_WritesOneObjectPerResultThenSummary()
    {
        var result = await CliRunner.RunAsync(["primes", "--json", .. SeedNumbers]);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var documents = result.OutLines.Select(line => JsonDocument.Parse(line)).ToList();
        try
        {
            Assert.Equal(7, documents.Count);
            var results = documents[..6].Select(d => d.RootElement).ToList();
            Assert.All(results, r => Assert.Equal("result", r.GetProperty("type").GetString()));
            Assert.All(results, r => Assert.Equal("ok", r.GetProperty("status").GetString()));
            Assert.Equal(Enumerable.Range(0, 6), results.Select(r => r.GetProperty("index").GetInt32()).Order());
            foreach (var r in results)
            {
                var index = r.GetProperty("index").GetInt32();
                Assert.Equal(long.Parse(SeedNumbers[index], System.Globalization.CultureInfo.InvariantCulture), r.GetProperty("input").GetInt64());
                Assert.Equal(index != 5, r.GetProperty("value").GetBoolean());
            }

            var summary = documents[6].RootElement;
            Assert.Equal("summary", summary.GetProperty("type").GetString());
            Assert.Equal("completed", summary.GetProperty("outcome").GetString());
            Assert.Equal(6, summary.GetProperty("total").GetInt64());
            Assert.Equal(6, summary.GetProperty("succeeded").GetInt64());
            Assert.Equal(0, summary.GetProperty("failed").GetInt64());
        }
        finally
        {
            documents.ForEach(d => d.Dispose());
        }
    }

    [Fact]
    public async Task RunAsync_FailingItem_PrintsErrorLineAndExitsOne()
    {
        // is-prime rejects negative numbers, which makes a failing item without a test kernel.
        var result = await CliRunner.RunAsync("primes", "--ordered", "97", "-3");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        Assert.Equal("97 is prime", result.ResultLines[0]);
        Assert.StartsWith("-3: error: ", result.ResultLines[1], StringComparison.Ordinal);
        Assert.Equal(2, result.ResultLines.Length);
        Assert.StartsWith("done: 2 items, 1 ok, 1 failed, 0 timed out, 0 cancelled in ", result.OutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_File_TestsEveryNumberOfTheFile()
    {
        await File.WriteAllTextAsync(_path, "# small ones\n2\n\n9\n  97  \n# the end\n");

        var result = await CliRunner.RunAsync("primes", "--ordered", "--file", _path);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(["2 is prime", "9 is not prime", "97 is prime"], result.ResultLines);
    }

    [Fact]
    public async Task RunAsync_Range_TestsCountNumbersFromStart()
    {
        var result = await CliRunner.RunAsync("primes", "--ordered", "--from", "10", "--count", "5");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(["10 is not prime", "11 is prime", "12 is not prime", "13 is prime", "14 is not prime"], result.ResultLines);
    }

    [Fact]
    public async Task RunAsync_CancelledAfterFirstResult_Exits130()
    {
        using var cancellation = new CancellationTokenSource();
        using var stdout = new CancelOnFirstLineWriter(cancellation);
        using var stderr = new StringWriter();

        // Small numbers make the first result come at once however the job cuts its chunks,
        // and there are far more of them than one worker tests before the cancellation that result triggers.
        var exitCode = await GridApp.RunAsync(
            ["primes", "--workers", "1", "--from", "1", "--count", "100000000"], stdout, stderr, cancellation.Token);

        Assert.Equal(ExitCodes.Cancelled, exitCode);
        Assert.Equal("grid: cancelled", stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].TrimEnd('\r'));
        var done = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.StartsWith("done: 100000000 items, ", done, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0 cancelled", done, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ItemTimeout_ReportsTimedOutItemAndExitsOne()
    {
        // The limit applies to 97 too, which takes microseconds: a second leaves it room on a loaded machine. The largest prime
        // below 2^63 needs about 10^9 trial divisions, seconds of work even on a fast CPU, so the limit stops it.
        var result = await CliRunner.RunAsync("primes", "--ordered", "--item-timeout", "1", "97", "9223372036854775783");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        Assert.Equal("97 is prime", result.ResultLines[0]);
        Assert.StartsWith("9223372036854775783: timed out: ", result.ResultLines[1], StringComparison.Ordinal);
        Assert.StartsWith("done: 2 items, 1 ok, 0 failed, 1 timed out, 0 cancelled in ", result.OutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_JobTimeout_SaysSoOnStderrAndExitsOne()
    {
        var result = await CliRunner.RunAsync("primes", "--timeout", "0.2", "9223372036854775783");

        Assert.Equal(ExitCodes.ItemsFailed, result.ExitCode);
        Assert.Equal(["grid: the job passed its time limit of 0.2 s (--timeout); 1 item did not finish"], result.ErrorLines);
        Assert.StartsWith("done: 1 item, 0 ok, ", result.OutLines[^1], StringComparison.Ordinal);
    }

    private sealed class CancelOnFirstLineWriter(CancellationTokenSource cancellation) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            cancellation.Cancel();
        }
    }
}
