namespace Grid.Kernels;

/// <summary>Describes a kernel registered on a silo: its name and the types it takes and returns.</summary>
/// <param name="Name">The kernel name.</param>
/// <param name="InputType">The type of one input item.</param>
/// <param name="OutputType">The type of one result.</param>
public sealed record KernelInfo(string Name, Type InputType, Type OutputType)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} ({InputType.Name} -> {OutputType.Name})";
}
