using System.Text;
using Grid.Cli;
using Grid.Cli.Parsing;
using Grid.Tests.Cli;

namespace Grid.Tests.Hardening;

/// <summary>Guards the file of <c>grid primes --file</c>: random and mutated files give numbers or one <see cref="UsageException"/> naming the line, and a line too long is refused without being read whole.</summary>
[Trait("Category", "Fast")]
public sealed class NumbersFileFuzzTests : IDisposable
{
    private const int Iterations = 1500;
    private const string Name = "numbers.txt";

    private static readonly byte[] Valid = Encoding.UTF8.GetBytes(
        "# numbers to test\n97\n\n  -3  \r\n+12\n9223372036854775807\n-9223372036854775808\n\t0\n# the end\n1099726899285419\n");

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"grid-hardening-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task RandomBytes_GiveTheNumbersOrTheErrorOfTheFirstBadLine()
    {
        var random = new Random(20261201);
        var alphabet = "0123456789+- \t\r\n#x"u8.ToArray();
        var failures = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            var bytes = i % 2 == 0 ? FuzzBytes.Random(random, 200) : FuzzBytes.RandomFrom(random, 200, alphabet);
            await CheckAsync(bytes, failures);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
    }

    [Fact]
    public async Task MutatedFiles_GiveTheNumbersOrTheErrorOfTheFirstBadLine()
    {
        var random = new Random(20261202);
        var failures = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            var bytes = FuzzBytes.Mutate(random, Valid, FuzzBytes.TextTokens);
            if (i % 25 == 0)
            {
                // Now and then a line about as long as the limit, with spaces around it and inside it.
                var at = random.Next(bytes.Length + 1);
                var line = new string(' ', random.Next(0, 3)) + new string('7', NumbersFile.MaxLineLength - random.Next(-2, 3)) + new string(' ', random.Next(0, 2)) + (random.Next(2) == 0 ? "#" : string.Empty);
                bytes = [.. bytes[..at], .. Encoding.UTF8.GetBytes($"\n{line}\n"), .. bytes[at..]];
            }

            await CheckAsync(bytes, failures);
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
    }

    [Fact]
    public async Task LineOfSeveralMegabytesWithoutNewline_IsRefusedNamingTheLineBeforeMostOfItIsRead()
    {
        using var reader = new CountingReader(["5\n", "# fine\n", new string('7', 8 << 20)]);

        var error = await Assert.ThrowsAsync<UsageException>(() => NumbersFile.ReadAsync(reader, Name, CancellationToken.None));

        Assert.Equal($"grid: line 3 of {Name} is longer than {NumbersFile.MaxLineLength} characters; each line holds one whole number", error.Message);
        Assert.InRange(reader.CharactersRead, 0, 64 * 1024);
    }

    [Fact]
    public async Task SpacesOfSeveralMegabytesAroundANumber_AreTrimmedAway()
    {
        using var reader = new StringReader("1\n" + new string(' ', 3 << 20) + "5" + new string('\t', 3 << 20) + "\n6");

        var numbers = await NumbersFile.ReadAsync(reader, Name, CancellationToken.None);

        Assert.Equal([1, 5, 6], numbers);
    }

    [Fact]
    public async Task NumberWithSpacesOfSeveralMegabytesInside_IsRefusedAsTooLong()
    {
        using var reader = new StringReader("1\n5" + new string(' ', 3 << 20) + "5\n");

        var error = await Assert.ThrowsAsync<UsageException>(() => NumbersFile.ReadAsync(reader, Name, CancellationToken.None));

        Assert.Equal($"grid: line 2 of {Name} is longer than {NumbersFile.MaxLineLength} characters; each line holds one whole number", error.Message);
    }

    [Fact]
    public async Task CommentOfSeveralMegabytes_IsSkipped()
    {
        using var reader = new StringReader("1\n  # " + new string('x', 3 << 20) + "\r\n2");

        var numbers = await NumbersFile.ReadAsync(reader, Name, CancellationToken.None);

        Assert.Equal([1, 2], numbers);
    }

    [Theory]
    [InlineData("1\r2\r3", new long[] { 1, 2, 3 })]
    [InlineData("1\r\n\r\n2\n\r3\n", new long[] { 1, 2, 3 })]
    [InlineData("\uFEFF7\n", new long[] { 7 })]
    [InlineData(" +5 \n-0\n\u00A0 8\u3000\n", new long[] { 5, 0, 8 })]
    public async Task LineEndsBomsAndWhitespace_AreReadAsLinesAndSpaces(string text, long[] expected)
    {
        await File.WriteAllBytesAsync(_path, Encoding.UTF8.GetBytes(text));

        var numbers = await NumbersFile.ReadAsync(_path, CancellationToken.None);

        Assert.Equal(expected, numbers);
    }

    [Theory]
    [InlineData("9223372036854775808", "'9223372036854775808' is too large (whole numbers go from -9223372036854775808 to 9223372036854775807)")]
    [InlineData("-99999999999999999999999999", "'-99999999999999999999999999' is too large (whole numbers go from -9223372036854775808 to 9223372036854775807)")]
    [InlineData("--5", "'--5' is not a whole number")]
    [InlineData("+-5", "'+-5' is not a whole number")]
    [InlineData("5 6", "'5 6' is not a whole number")]
    [InlineData("1e3", "'1e3' is not a whole number")]
    [InlineData("\u0663", "'\u0663' is not a whole number")]
    [InlineData("7\0", "'7\0' is not a whole number")]
    public async Task BadNumber_IsRefusedNamingTheLineAndSayingWhy(string line, string why)
    {
        using var reader = new StringReader($"1\n\n{line}\n2\n");

        var error = await Assert.ThrowsAsync<UsageException>(() => NumbersFile.ReadAsync(reader, Name, CancellationToken.None));

        Assert.Equal($"grid: line 3 of {Name}: {why}", error.Message);
    }

    [Fact]
    public async Task Primes_GarbageFile_ExitsTwoWithOneLineNamingTheLine()
    {
        var random = new Random(20261203);
        await File.WriteAllBytesAsync(_path, [.. "12\n\n"u8, .. FuzzBytes.Random(random, 4096)]);

        var result = await CliRunner.RunAsync("primes", "--file", _path);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("grid: line ", line, StringComparison.Ordinal);
        Assert.Contains($" of {_path}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task Primes_FileWithAHugeLine_ExitsTwoNamingTheLineAndTheLimit()
    {
        await File.WriteAllTextAsync(_path, "3\n" + new string('1', 4 << 20));

        var result = await CliRunner.RunAsync("primes", "--file", _path);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal([$"grid: line 2 of {_path} is longer than {NumbersFile.MaxLineLength} characters; each line holds one whole number"], result.ErrorLines);
        Assert.Empty(result.Out);
    }

    // Reads the bytes as the command does, and compares with the same rules applied to the lines TextReader.ReadLine finds.
    private static async Task CheckAsync(byte[] bytes, List<string> failures)
    {
        var (expected, expectedError) = Reference(bytes);
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        try
        {
            var numbers = await NumbersFile.ReadAsync(reader, Name, CancellationToken.None);
            if (expectedError is not null || !numbers.SequenceEqual(expected!))
            {
                failures.Add($"[{Convert.ToHexString(bytes)}]: read {numbers.Count} numbers; expected {expectedError ?? $"{expected!.Count} numbers"}");
            }
        }
        catch (UsageException exception)
        {
            if (exception.Message != expectedError)
            {
                failures.Add($"[{Convert.ToHexString(bytes)}]: '{exception.Message}'; expected {expectedError ?? $"{expected!.Count} numbers"}");
            }
        }
        catch (Exception exception)
        {
            failures.Add($"[{Convert.ToHexString(bytes)}]: {exception.GetType().Name}: {exception.Message}");
        }
    }

    private static (List<long>? Numbers, string? Error) Reference(byte[] bytes)
    {
        using var decoder = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var lines = new StringReader(decoder.ReadToEnd());
        var numbers = new List<long>();
        var lineNumber = 0;
        while (lines.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            if (text.Length > NumbersFile.MaxLineLength)
            {
                return (null, $"grid: line {lineNumber} of {Name} is longer than {NumbersFile.MaxLineLength} characters; each line holds one whole number");
            }

            if (!WholeNumber.TryParse(text, out var number))
            {
                return (null, $"grid: line {lineNumber} of {Name}: {WholeNumber.Describe(text)}");
            }

            numbers.Add(number);
        }

        return (numbers, null);
    }
}
