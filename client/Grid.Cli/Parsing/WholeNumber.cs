using System.Globalization;

namespace Grid.Cli.Parsing;

/// <summary>Reads the whole numbers users type, with the same error text wherever they come from.</summary>
internal static class WholeNumber
{
    /// <summary>Parses a 64-bit whole number written in decimal with an optional sign.</summary>
    /// <remarks>Trailing NUL characters, which <see cref="long.TryParse(string, NumberStyles, IFormatProvider, out long)"/> lets pass, make it not a number.</remarks>
    public static bool TryParse(string text, out long value)
    {
        value = 0;
        return !text.Contains('\0', StringComparison.Ordinal) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Gets whether <paramref name="text"/> starts like a number (a sign then a digit), so that <c>-5x</c> is a bad number, not an option.</summary>
    public static bool LooksNumeric(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = text.AsSpan().TrimStart("+-");
        return !body.IsEmpty && char.IsAsciiDigit(body[0]);
    }

    /// <summary>Says why <paramref name="text"/> is not a whole number <see cref="TryParse"/> takes.</summary>
    public static string Describe(string text)
    {
        // One sign at most: "--5" is not a number, not a large one.
        var digits = text.AsSpan();
        digits = digits.StartsWith('+') || digits.StartsWith('-') ? digits[1..] : digits;
        return !digits.IsEmpty && digits.ContainsOnlyDigits()
            ? $"'{text}' is too large (whole numbers go from {long.MinValue} to {long.MaxValue})"
            : $"'{text}' is not a whole number";
    }

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
