namespace Grid.Kernels;

/// <summary>Rules for kernel names: lower-case letters, digits, '-', '_' and '.', 1 to 64 characters.</summary>
public static class KernelNames
{
    /// <summary>The longest kernel name accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>Returns whether <paramref name="name"/> is a well-formed kernel name.</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns <paramref name="name"/> when it is well formed, otherwise throws an <see cref="ArgumentException"/> that names the rule.</summary>
    public static string Validate(string? name, string parameterName) => IsValid(name)
        ? name!
        : throw new ArgumentException(
            $"Kernel name '{name}' is not valid: use 1 to {MaxLength} lower-case letters, digits, '-', '_' or '.'.", parameterName);

    /// <summary>Makes the error for a kernel name that the silo does not know, listing the names it does.</summary>
    public static GridException NotRegistered(string? name, IEnumerable<string> registered)
        => new($"Kernel '{name}' is not registered on this silo. Registered kernels: {string.Join(", ", registered.Order(StringComparer.Ordinal))}.");
}
