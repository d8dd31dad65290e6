using System.Globalization;

namespace Grid.Benchmarks;

/// <summary>The scenario name and the <c>--name value</c> options that follow it on the command line.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _options;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private BenchArgs(string scenario, Dictionary<string, string> options)
    {
        Scenario = scenario;
        _options = options;
    }

    /// <summary>Gets the scenario name, or an empty string when none was given.</summary>
    public string Scenario { get; }

    /// <summary>Parses <c>scenario [--name value]...</c>; throws an <see cref="ArgumentException"/> on anything else.</summary>
    public static BenchArgs Parse(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var scenario = args.Count > 0 ? args[0] : string.Empty;
        for (var i = 1; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--name value' after the scenario name, got '{args[i]}'.", nameof(args));
            }

            options[args[i][2..]] = args[i + 1];
        }

        return new BenchArgs(scenario, options);
    }

    /// <summary>Gets the integer option <paramref name="name"/>, or <paramref name="defaultValue"/> when it is absent.</summary>
    public long GetInt64(string name, long defaultValue) => GetOptionalInt64(name) ?? defaultValue;

    /// <summary>Gets the integer option <paramref name="name"/>, or <see langword="null"/> when it is absent.</summary>
    public long? GetOptionalInt64(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var text))
        {
            return null;
        }

        // Accept "1_000_000" and "1,000,000" so large counts stay readable on the command line.
        var digits = text.Replace("_", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal);
        return long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"Option --{name} must be a positive integer, got '{text}'.", nameof(name));
    }

    /// <summary>Gets the string option <paramref name="name"/>, or <paramref name="defaultValue"/> when it is absent.</summary>
    public string GetString(string name, string defaultValue)
    {
        _read.Add(name);
        return _options.GetValueOrDefault(name, defaultValue);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming options the scenario never asked for, so typos do not pass silently.</summary>
    public void ThrowIfUnknownOptions()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s) for '{Scenario}': {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }
}
