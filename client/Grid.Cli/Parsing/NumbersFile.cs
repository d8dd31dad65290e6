namespace Grid.Cli.Parsing;

/// <summary>Reads a file of whole numbers, one a line; blank lines and lines starting with <c>#</c> are skipped, and a line whose text is over <see cref="MaxLineLength"/> characters is refused without being held whole.</summary>
internal static class NumbersFile
{
    /// <summary>The most characters a line's text (without the spaces around it) may have, far more than any whole number needs; a longer line that is not a comment is an error.</summary>
    public const int MaxLineLength = 1024;

    /// <summary>Reads every number of the file at <paramref name="path"/>, or throws a <see cref="UsageException"/> naming the first bad line.</summary>
    /// <remarks>The whole file is read before the job starts, so that a bad line stops the command before any result is printed.</remarks>
    public static async Task<List<long>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw UsageException.For("primes", $"file '{path}' does not exist");
        }

        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return await ReadAsync(reader, path, cancellationToken);
    }

    /// <summary>Reads every number from <paramref name="reader"/>; <paramref name="name"/> names the source in error lines.</summary>
    public static async Task<List<long>> ReadAsync(TextReader reader, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new BoundedLineReader(reader, MaxLineLength);
        var numbers = new List<long>();
        var lineNumber = 0;
        while (await lines.ReadLineAsync(cancellationToken) is { } text)
        {
            lineNumber++;
            if (text.Length == 0 || text.StartsWith('#'))
            {
                // A comment may be any length: its start is enough to know it is one.
                continue;
            }

            if (text.Length > MaxLineLength)
            {
                throw new UsageException($"grid: line {lineNumber} of {name} is longer than {MaxLineLength} characters; each line holds one whole number");
            }

            if (!WholeNumber.TryParse(text, out var number))
            {
                throw new UsageException($"grid: line {lineNumber} of {name}: {WholeNumber.Describe(text)}");
            }

            numbers.Add(number);
        }

        return numbers;
    }
}
