using System.Text;

namespace Grid.Cli.Parsing;

/// <summary>Reads the lines of a text trimmed of white space, without ever holding a long line whole: a line whose text is longer than <c>maxLength</c> comes back as soon as that is known, and the rest of it is skipped.</summary>
/// <remarks>
/// Lines end as <see cref="TextReader.ReadLine"/> ends them (at <c>\n</c>, <c>\r\n</c> or a lone <c>\r</c>) and are trimmed as <see cref="string.Trim()"/> trims.
/// A line too long comes back as <c>maxLength</c> + 1 characters that begin and end with text: its first <c>maxLength</c> characters and the next one that is not
/// white space. So its length says it is too long, and trimming it again cannot make it short enough to pass for a whole line.
/// </remarks>
internal sealed class BoundedLineReader
{
    private readonly TextReader _reader;
    private readonly int _maxLength;
    private readonly char[] _buffer = new char[4096];
    private readonly StringBuilder _line = new();
    private readonly StringBuilder _spaces = new();
    private int _start;
    private int _end;
    private bool _skipNewline;
    private bool _skipRest;
    private bool _any;

    /// <summary>Reads lines from <paramref name="reader"/>, keeping at most <paramref name="maxLength"/> + 1 characters of each.</summary>
    public BoundedLineReader(TextReader reader, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        _reader = reader;
        _maxLength = maxLength;
    }

    /// <summary>Reads the next line, trimmed, and cut one character past the limit when longer; <see langword="null"/> at the end of the text.</summary>
    public string? ReadLine()
    {
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = _reader.Read(_buffer, 0, _buffer.Length);
                if (_end == 0)
                {
                    return TakeLast();
                }
            }

            if (TryTakeLine() is { } line)
            {
                return line;
            }
        }
    }

    /// <summary>Reads the next line as <see cref="ReadLine"/> does, without blocking on the reader.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await _reader.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (_end == 0)
                {
                    return TakeLast();
                }
            }

            if (TryTakeLine() is { } line)
            {
                return line;
            }
        }
    }

    // Takes the buffered characters up to the next line end; returns the line when it ended or passed the limit, or null when the buffer ran out first.
    private string? TryTakeLine()
    {
        if (_skipNewline)
        {
            _skipNewline = false;
            if (_buffer[_start] == '\n')
            {
                _start++;
                return null;
            }
        }

        var rest = _buffer.AsSpan(_start, _end - _start);
        var at = rest.IndexOfAny('\r', '\n');
        if (_skipRest)
        {
            // The rest of a line already returned cut: read past it without keeping it.
            if (at >= 0)
            {
                _skipRest = false;
                _start += at + 1;
                _skipNewline = rest[at] == '\r';
            }
            else
            {
                _start = _end;
            }

            return null;
        }

        _any = true;
        foreach (var c in at < 0 ? rest : rest[..at])
        {
            if (char.IsWhiteSpace(c))
            {
                // Spaces count only once text follows them; past the limit they are not kept, as they could only make the line too long.
                if (_line.Length > 0 && _spaces.Length < _maxLength)
                {
                    _spaces.Append(c);
                }

                continue;
            }

            if (_line.Length + _spaces.Length + 1 > _maxLength)
            {
                // Too long: back at once, as the first characters up to the limit and this one, and the rest of the line is skipped.
                _line.Append(_spaces.ToString(0, Math.Min(_spaces.Length, _maxLength - _line.Length))).Append(c);
                if (at < 0)
                {
                    _skipRest = true;
                    _start = _end;
                }
                else
                {
                    _start += at + 1;
                    _skipNewline = rest[at] == '\r';
                }

                return Take();
            }

            _line.Append(_spaces).Append(c);
            _spaces.Clear();
        }

        if (at < 0)
        {
            _start = _end;
            return null;
        }

        _start += at + 1;
        _skipNewline = rest[at] == '\r';
        return Take();
    }

    private string? TakeLast() => _any ? Take() : null;

    private string Take()
    {
        var line = _line.ToString();
        _line.Clear();
        _spaces.Clear();
        _any = false;
        return line;
    }
}
