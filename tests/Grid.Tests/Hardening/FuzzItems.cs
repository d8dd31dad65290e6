namespace Grid.Tests.Hardening;

/// <summary>A record input of the hardening tests, nested through <see cref="Next"/>.</summary>
public sealed record FuzzPoint(int X, int Y, string? Label, double[]? Weights, FuzzPoint? Next);

/// <summary>A record input whose constructor checks its values, as many do.</summary>
public sealed record FuzzRange
{
    public FuzzRange(long from, long to)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        From = from;
        To = to;
    }

    public long From { get; }

    public long To { get; }
}

/// <summary>A record input that parses one of its values when it is made, as records holding a <see cref="Uri"/> or a version do.</summary>
public sealed record FuzzLink(string Url)
{
    public Uri Address { get; } = new(Url, UriKind.Absolute);
}
