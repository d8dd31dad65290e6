namespace Grid.Cli.Parsing;

/// <summary>Reads a file of URLs, one a line, lazily: blank lines and lines starting with <c>#</c> are skipped, and a line over <see cref="MaxLineLength"/> characters is never held whole.</summary>
internal static class UrlsFile
{
    /// <summary>The longest line passed on whole, the silo's default URL limit; a longer line is cut one character past it, so that the silo reports it as too long.</summary>
    public const int MaxLineLength = 8192;

    /// <summary>Yields the URL lines of <paramref name="path"/>, trimmed, in order.</summary>
    public static IEnumerable<string> Read(string path)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        while (ReadLine(reader) is { } line)
        {
            var text = line.Trim();
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

    /// <summary>Reads one line, keeping at most <see cref="MaxLineLength"/> + 1 of its characters; <see langword="null"/> at the end of the file.</summary>
    private static string? ReadLine(StreamReader reader)
    {
        var line = new System.Text.StringBuilder();
        int c;
        var any = false;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            if (c == '\n')
            {
                break;
            }

            if (c != '\r' && line.Length <= MaxLineLength)
            {
                line.Append((char)c);
            }
        }

        return any ? line.ToString() : null;
    }
}
