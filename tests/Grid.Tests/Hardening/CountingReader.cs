namespace Grid.Tests.Hardening;

/// <summary>A reader over a few parts of text that counts the characters it hands out, to show how much of a source a reader took; with <c>chunks</c>, each read hands out 1 to 7 characters, to cut lines at every place.</summary>
internal sealed class CountingReader(string[] parts, Random? chunks = null) : TextReader
{
    private int _part;
    private int _offset;

    public long CharactersRead { get; private set; }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        while (_part < parts.Length && _offset == parts[_part].Length)
        {
            _part++;
            _offset = 0;
        }

        if (_part == parts.Length)
        {
            return 0;
        }

        var n = Math.Min(Math.Min(buffer.Length, chunks?.Next(1, 8) ?? int.MaxValue), parts[_part].Length - _offset);
        parts[_part].AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        CharactersRead += n;
        return n;
    }

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override int Peek() => _part < parts.Length && _offset < parts[_part].Length ? parts[_part][_offset] : -1;

    public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(char[] buffer, int index, int count) => Task.FromResult(Read(buffer, index, count));
}
