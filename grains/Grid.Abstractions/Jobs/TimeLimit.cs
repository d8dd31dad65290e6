namespace Grid.Jobs;

/// <summary>The one rule for every time limit a caller can give: positive, or null for none.</summary>
internal static class TimeLimit
{
    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming <paramref name="name"/> when <paramref name="value"/> is zero or negative (infinite included).</summary>
    public static void ThrowIfNotPositive(TimeSpan? value, string name)
    {
        if (value is { } limit && limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, limit, $"{name} must be a positive time span or null for no limit; got {limit}.");
        }
    }
}
