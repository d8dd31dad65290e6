namespace Grid.Kernels;

/// <summary>Describes a kernel registered on a silo: its name and the types it takes and returns.</summary>
/// <param name="Name">The kernel name.</param>
/// <param name="InputType">The type of one input item.</param>
/// <param name="OutputType">The type of one result.</param>
[GenerateSerializer]
[Immutable]
public sealed record KernelInfo(string Name, Type InputType, Type OutputType)
{
    /// <summary>Throws a <see cref="GridException"/> naming both sides when a caller's item types do not fit this kernel.</summary>
    /// <remarks>An input type wider than the kernel's (<c>object</c>, an interface) is accepted: each item is then checked as it runs.</remarks>
    public void ThrowIfIncompatible(Type inputType, Type outputType)
    {
        ArgumentNullException.ThrowIfNull(inputType);
        ArgumentNullException.ThrowIfNull(outputType);
        var inputFits = InputType.IsAssignableFrom(inputType) || inputType.IsAssignableFrom(InputType);
        if (!inputFits || !outputType.IsAssignableFrom(OutputType))
        {
            throw new GridException(
                $"Kernel '{Name}' takes {InputType.FullName} and returns {OutputType.FullName}, "
                + $"but the call sends {inputType.FullName} and expects {outputType.FullName}.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({InputType.Name} -> {OutputType.Name})";
}
