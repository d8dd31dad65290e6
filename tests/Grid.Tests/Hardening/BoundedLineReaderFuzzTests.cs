using System.Text;
using Grid.Cli.Parsing;

namespace Grid.Tests.Hardening;

/// <summary>Guards the line reader under both CLI files: random text read in random pieces gives the lines <see cref="TextReader.ReadLine"/> gives, trimmed, with every line too long cut the same way and never held whole.</summary>
[Trait("Category", "Fast")]
public sealed class BoundedLineReaderFuzzTests
{
    private const int Iterations = 3000;

    [Fact]
    public async Task RandomTextInRandomPieces_GivesTheTrimmedLinesOfReadLine()
    {
        var random = new Random(20261211);
        const string Alphabet = "ab# \t\u00A0\u3000\r\n\r\n\0";
        var failures = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 60)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            var maxLength = random.Next(0, 12);
            var expected = Reference(text, maxLength);
            var sync = new BoundedLineReader(new CountingReader([text], random), maxLength);
            var async = new BoundedLineReader(new CountingReader([text], random), maxLength);
            var got = new List<string>();
            var gotAsync = new List<string>();
            try
            {
                while (sync.ReadLine() is { } line)
                {
                    got.Add(line);
                }

                while (await async.ReadLineAsync(CancellationToken.None) is { } line)
                {
                    gotAsync.Add(line);
                }
            }
            catch (Exception exception)
            {
                failures.Add($"{Escape(text)} (max {maxLength}): {exception.GetType().Name}: {exception.Message}");
                continue;
            }

            if (!got.SequenceEqual(expected) || !gotAsync.SequenceEqual(expected))
            {
                failures.Add($"{Escape(text)} (max {maxLength}): got [{string.Join(", ", got.Select(Escape))}] and [{string.Join(", ", gotAsync.Select(Escape))}], expected [{string.Join(", ", expected.Select(Escape))}]");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(5)));
    }

    [Theory]
    [InlineData(8 << 20)]
    [InlineData(3 << 20)]
    public void LineOfSeveralMegabytes_ComesBackCutAfterLittleOfItIsRead_AndTheNextLineFollows(int length)
    {
        var reader = new CountingReader(["  ", new string('x', length), "\r\n next \n"]);
        var lines = new BoundedLineReader(reader, 100);

        var first = lines.ReadLine();
        var read = reader.CharactersRead;
        var second = lines.ReadLine();

        Assert.Equal(new string('x', 101), first);
        Assert.InRange(read, 0, 16 * 1024);
        Assert.Equal("next", second);
        Assert.Null(lines.ReadLine());
    }

    [Fact]
    public void SpacesOfSeveralMegabytes_AreNotKept()
    {
        var lines = new BoundedLineReader(new StringReader(new string(' ', 4 << 20) + "a" + new string(' ', 4 << 20) + "\n" + new string('\t', 4 << 20)), 10);

        Assert.Equal("a", lines.ReadLine());
        Assert.Equal(string.Empty, lines.ReadLine());
        Assert.Null(lines.ReadLine());
    }

    /// <summary>The lines of <see cref="StringReader.ReadLine"/>, trimmed; one longer than the limit becomes its first <paramref name="maxLength"/> characters and the next one that is not white space.</summary>
    private static List<string> Reference(string text, int maxLength)
    {
        using var reader = new StringReader(text);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            var trimmed = line.Trim();
            if (trimmed.Length > maxLength)
            {
                var next = maxLength;
                while (char.IsWhiteSpace(trimmed[next]))
                {
                    next++;
                }

                trimmed = trimmed[..maxLength] + trimmed[next];
            }

            lines.Add(trimmed);
        }

        return lines;
    }

    private static string Escape(string text)
    {
        var escaped = new StringBuilder("\"");
        foreach (var c in text)
        {
            escaped.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}");
        }

        return escaped.Append('"').ToString();
    }
}
