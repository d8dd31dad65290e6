using System.Globalization;

namespace Grid.Tests.Cli;

/// <summary>A figure as a command printed it, rounded to its decimals: the interval its exact value lies in.</summary>
/// <remarks>Lets a test check that printed figures agree with each other (a rate with its time, a speedup with two times)
/// however the rounding fell, without a tolerance of its own choosing.</remarks>
internal readonly record struct PrintedFigure(double Low, double High)
{
    // The exact value and its rounded print differ by at most half a unit of the last decimal; a hair more absorbs binary fractions.
    private const double Hair = 1e-9;

    /// <summary>Reads a figure such as <c>0.015</c>, <c>1.50</c> or <c>75</c> (a trailing <c>x</c> or <c>%</c> is dropped; a percentage is divided by 100).</summary>
    public static PrintedFigure Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var percent = text.EndsWith('%');
        var number = text.TrimEnd('x', '%');
        var point = number.IndexOf('.', StringComparison.Ordinal);
        var decimals = point < 0 ? 0 : number.Length - point - 1;
        var value = double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
        var half = 0.5 * Math.Pow(10, -decimals);
        var figure = new PrintedFigure(value - half - Hair, value + half + Hair);
        return percent ? figure.Times(0.01) : figure;
    }

    /// <summary>Gets the interval of this figure divided by <paramref name="divisor"/>; both must be positive.</summary>
    public PrintedFigure Over(PrintedFigure divisor)
    {
        Assert.True(Low > 0 && divisor.Low > 0, $"{this} / {divisor}: the figures must be positive to be divided");
        return new PrintedFigure(Low / divisor.High, High / divisor.Low);
    }

    /// <summary>Gets the interval of this figure times a positive exact <paramref name="factor"/>.</summary>
    public PrintedFigure Times(double factor) => new(Low * factor, High * factor);

    /// <summary>Gets whether this figure and <paramref name="other"/> can be roundings of the same exact value.</summary>
    public bool Agrees(PrintedFigure other) => Low <= other.High && other.Low <= High;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Low:G6}, {High:G6}]");
}
