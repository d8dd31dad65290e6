namespace Grid.Cli.Parsing;

/// <summary>Reads a file of whole numbers, one a line; blank lines and lines starting with <c>#</c> are skipped.</summary>
internal static class NumbersFile
{
    /// <summary>Reads every number of the file at <paramref name="path"/>, or throws a <see cref="UsageException"/> naming the first bad line.</summary>
    /// <remarks>The whole file is read before the job starts, so that a bad line stops the command before any result is printed.</remarks>
    public static async Task<List<long>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw UsageException.For("primes", $"file '{path}' does not exist");
        }

        using var reader = new StreamReader(path);
        return await ReadAsync(reader, path, cancellationToken);
    }

    /// <summary>Reads every number from <paramref name="reader"/>; <paramref name="name"/> names the source in error lines.</summary>
    public static async Task<List<long>> ReadAsync(TextReader reader, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var numbers = new List<long>();
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
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
