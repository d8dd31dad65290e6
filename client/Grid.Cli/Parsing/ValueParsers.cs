using System.CommandLine.Parsing;
using System.Globalization;

namespace Grid.Cli.Parsing;

/// <summary>Custom parsers for System.CommandLine, so that a bad value gives one clear line instead of the library's type names.</summary>
internal static class ValueParsers
{
    /// <summary>The longest time limit taken, 30 days; longer ones do not fit the timers that enforce them.</summary>
    public const double MaxSeconds = 30 * 24 * 60 * 60;

    /// <summary>Parses the whole numbers given as a command's arguments.</summary>
    public static long[] WholeNumbers(ArgumentResult result)
    {
        var values = new long[result.Tokens.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var text = result.Tokens[i].Value;
            if (!WholeNumber.TryParse(text, out values[i]))
            {
                // Options a command does not know land here too, since its arguments take any word.
                result.AddError(text.StartsWith('-') && !WholeNumber.LooksNumeric(text) ? $"unknown option '{text}'" : WholeNumber.Describe(text));
                return [];
            }
        }

        return values;
    }

    /// <summary>Parses any whole number, for options such as <c>--from</c> and <c>--seed</c>.</summary>
    public static Func<ArgumentResult, long?> Whole(string option) => result =>
    {
        var text = SingleToken(result);
        if (WholeNumber.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"{option}: {WholeNumber.Describe(text)}");
        return null;
    };

    /// <summary>Parses a whole number of at least 1 and at most <paramref name="max"/> (no limit when <see langword="null"/>), for counts and sizes.</summary>
    public static Func<ArgumentResult, long?> Positive(string option, long? max = null) => result =>
    {
        var text = SingleToken(result);
        if (WholeNumber.TryParse(text, out var value) && value >= 1 && value <= (max ?? long.MaxValue))
        {
            return value;
        }

        result.AddError(max is null
            ? $"{option} must be a whole number of at least 1; got '{text}'"
            : $"{option} must be a whole number from 1 to {max}; got '{text}'");
        return null;
    };

    /// <summary>Parses a whole number of at least 0 and at most <paramref name="max"/> (no limit when <see langword="null"/>), for limits where 0 means "none at all".</summary>
    public static Func<ArgumentResult, long?> NonNegative(string option, long? max = null) => result =>
    {
        var text = SingleToken(result);
        if (WholeNumber.TryParse(text, out var value) && value >= 0 && value <= (max ?? long.MaxValue))
        {
            return value;
        }

        result.AddError(max is null
            ? $"{option} must be a whole number of at least 0; got '{text}'"
            : $"{option} must be a whole number from 0 to {max}; got '{text}'");
        return null;
    };

    /// <summary>Parses a whole number from 0 to <paramref name="max"/>, for small counts such as retries.</summary>
    public static Func<ArgumentResult, int?> NonNegativeInt(string option, int max)
    {
        var parse = NonNegative(option, max);
        return result => parse(result) is { } value ? (int)value : null;
    }

    /// <summary>Parses a whole number of at least 1 that fits an <see cref="int"/>, and at most <paramref name="max"/> when given.</summary>
    public static Func<ArgumentResult, int?> PositiveInt(string option, int? max = null)
    {
        var parse = Positive(option, max);
        return result =>
        {
            if (parse(result) is not { } value)
            {
                return null;
            }

            if (value > int.MaxValue)
            {
                result.AddError($"{option} must be at most {int.MaxValue}; got '{SingleToken(result)}'");
                return null;
            }

            return (int)value;
        };
    }

    /// <summary>Parses a positive number of seconds, fractions allowed, into a time span.</summary>
    public static Func<ArgumentResult, TimeSpan?> Seconds(string option) => result =>
    {
        var text = SingleToken(result);
        if (TrySeconds(text, out var value, out var problem))
        {
            return value;
        }

        result.AddError($"{option} must be {problem}; got '{text}'");
        return null;
    };

    /// <summary>Reads the value <see cref="Seconds"/> takes, or says what it must be instead (for example "a positive number of seconds").</summary>
    public static bool TrySeconds(string text, out TimeSpan value, out string problem)
    {
        value = TimeSpan.Zero;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds) || seconds <= 0)
        {
            problem = "a positive number of seconds";
            return false;
        }

        if (seconds > MaxSeconds)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"at most {MaxSeconds} seconds (30 days)");
            return false;
        }

        // Below a millisecond a time limit cannot be kept; round it up rather than turn it into "no limit".
        value = TimeSpan.FromSeconds(Math.Max(seconds, 0.001));
        problem = string.Empty;
        return true;
    }

    // Options of arity one always bring exactly one token to their parser.
    private static string SingleToken(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
}
