using System.Globalization;

namespace Grid.Benchmarks;

/// <summary>One measured figure in its machine-readable form: <c>RESULT name value unit target</c>.</summary>
/// <param name="Name">The figure's name, <c>scenario.figure</c>, without spaces.</param>
/// <param name="Value">The measured value.</param>
/// <param name="Unit">The unit of <paramref name="Value"/>, without spaces (<c>s</c>, <c>us</c>, <c>MB</c>, <c>x</c>, <c>items</c>).</param>
/// <param name="Target">A comparison such as <c>&lt;1</c>, <c>&gt;=1.9</c> or <c>=0</c>, or <c>-</c> when the figure is for information only.</param>
internal sealed record ResultLine(string Name, double Value, string Unit, string Target)
{
    /// <summary>The word every machine-readable line starts with.</summary>
    public const string Prefix = "RESULT";

    /// <summary>Gets the scenario part of <see cref="Name"/>.</summary>
    public string Scenario => Name.Split('.', 2)[0];

    /// <summary>Gets the figure part of <see cref="Name"/>.</summary>
    public string Figure => Name.Split('.', 2) is [_, var figure] ? figure : Name;

    /// <summary>Gets whether <see cref="Value"/> meets <see cref="Target"/>, or <see langword="null"/> when there is no target.</summary>
    public bool? Passed
    {
        get
        {
            if (Target == "-")
            {
                return null;
            }

            var op = Target.TakeWhile(c => c is '<' or '>' or '=').Count();
            var bound = double.Parse(Target.AsSpan(op), NumberStyles.Float, CultureInfo.InvariantCulture);
            return Target[..op] switch
            {
                "<" => Value < bound,
                "<=" => Value <= bound,
                ">" => Value > bound,
                ">=" => Value >= bound,
                "=" => Value == bound,
                _ => throw new FormatException($"Target '{Target}' of {Name} has no comparison (<, <=, >, >=, =)."),
            };
        }
    }

    /// <summary>Parses a line printed by <see cref="ToString"/>; returns <see langword="null"/> for any other line.</summary>
    public static ResultLine? TryParse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is [Prefix, var name, var value, var unit, var target]
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? new ResultLine(name, number, unit, target)
            : null;
    }

    /// <summary>Formats the value with up to three decimals (none from 1,000 up), as the table and the RESULT line show it.</summary>
    public string FormatValue() => Value.ToString(Math.Abs(Value) >= 1000 ? "0" : "0.###", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => $"{Prefix} {Name} {FormatValue()} {Unit} {Target}";
}
