namespace Grid.Cli.Parsing;

/// <summary>Reads a file of URLs, one a line, lazily: blank lines and lines starting with <c>#</c> are skipped, and a line over <see cref="MaxLineLength"/> characters is never held whole.</summary>
internal static class UrlsFile
{
    /// <summary>The longest line passed on whole, the silo's default URL limit; a longer line is cut one character past it, so that the silo reports it as too long.</summary>
    public const int MaxLineLength = 8192;

    /// <summary>Yields the URL lines of <paramref name="path"/>, trimmed, in order; lines end at <c>\n</c>, <c>\r\n</c> or a lone <c>\r</c>.</summary>
    /// <remarks>A line whose text is over <see cref="MaxLineLength"/> characters comes as <see cref="BoundedLineReader"/> cuts it: one character longer than the limit, ending in text, so trimming it again cannot make a shorter URL.</remarks>
    public static IEnumerable<string> Read(string path)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var lines = new BoundedLineReader(reader, MaxLineLength);
        while (lines.ReadLine() is { } text)
        {
            if (text.Length > 0 && !text.StartsWith('#'))
            {
                yield return text;
            }
        }
    }

    /// <summary>Counts the URL lines of <paramref name="path"/>, reading it once without keeping it.</summary>
    public static long Count(string path)
    {
        long count = 0;
        foreach (var _ in Read(path))
        {
            count++;
        }

        return count;
    }
}
