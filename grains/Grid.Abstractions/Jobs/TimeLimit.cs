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

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming both settings when the hard limit <paramref name="hard"/> is shorter than the soft limit <paramref name="soft"/>.</summary>
    public static void ThrowIfHardBelowSoft(TimeSpan? hard, string hardName, TimeSpan? soft, string softName)
    {
        if (hard is { } h && soft is { } s && h < s)
        {
            throw new ArgumentOutOfRangeException(hardName, h, $"{hardName} ({h}) must not be shorter than {softName} ({s}): the soft limit signals the kernel's token first, the hard limit then abandons it.");
        }
    }
}
