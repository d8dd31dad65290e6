namespace Grid;

/// <summary>Identifies one grain: the grain type (its interface) and a key unique within that type.</summary>
/// <param name="Type">The grain type name, the full name of the grain interface.</param>
/// <param name="Key">The key of the grain within its type.</param>
public readonly record struct GrainId(string Type, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";
}
