namespace Grid.Kernels;

/// <summary>Describes a kernel registered on a silo: its name and the types it takes and returns.</summary>
/// <remarks>
/// The types travel by their assembly-qualified names, so a client that lacks a kernel's item types (a silo's own kernel
/// assembly) still reads the catalog; <see cref="InputType"/> and <see cref="OutputType"/> are then <see langword="null"/>,
/// and a call is checked against the kernel's types by their full names.
/// </remarks>
/// <param name="Name">The kernel name.</param>
/// <param name="InputTypeName">The assembly-qualified name of the type of one input item.</param>
/// <param name="OutputTypeName">The assembly-qualified name of the type of one result.</param>
[GenerateSerializer]
[Immutable]
public sealed record KernelInfo(string Name, string InputTypeName, string OutputTypeName)
{
    [NonSerialized]
    private Type? _inputType;

    [NonSerialized]
    private Type? _outputType;

    /// <summary>Describes kernel <paramref name="name"/>, which takes <paramref name="inputType"/> and returns <paramref name="outputType"/>.</summary>
    public static KernelInfo For(string name, Type inputType, Type outputType)
    {
        ArgumentNullException.ThrowIfNull(inputType);
        ArgumentNullException.ThrowIfNull(outputType);
        return new KernelInfo(name, inputType.AssemblyQualifiedName ?? inputType.FullName!, outputType.AssemblyQualifiedName ?? outputType.FullName!)
        {
            _inputType = inputType,
            _outputType = outputType,
        };
    }

    /// <summary>Gets the type of one input item, or <see langword="null"/> when this process cannot load it.</summary>
    public Type? InputType => _inputType ??= Type.GetType(InputTypeName, throwOnError: false);

    /// <summary>Gets the type of one result, or <see langword="null"/> when this process cannot load it.</summary>
    public Type? OutputType => _outputType ??= Type.GetType(OutputTypeName, throwOnError: false);

    /// <summary>Gets the full name of the input type (without its assembly).</summary>
    public string InputTypeFullName => InputType?.FullName ?? FullNameOf(InputTypeName);

    /// <summary>Gets the full name of the output type (without its assembly).</summary>
    public string OutputTypeFullName => OutputType?.FullName ?? FullNameOf(OutputTypeName);

    /// <summary>Throws a <see cref="GridException"/> naming both sides when a caller's item types do not fit this kernel.</summary>
    /// <remarks>An input type wider than the kernel's (<c>object</c>, an interface) is accepted: each item is then checked as it runs.
    /// Where this process cannot load a kernel's type, the caller's type must have its full name (or be <c>object</c> for the input).</remarks>
    public void ThrowIfIncompatible(Type inputType, Type outputType)
    {
        ArgumentNullException.ThrowIfNull(inputType);
        ArgumentNullException.ThrowIfNull(outputType);
        var inputFits = InputType is { } input
            ? input.IsAssignableFrom(inputType) || inputType.IsAssignableFrom(input)
            : inputType == typeof(object) || string.Equals(inputType.FullName, InputTypeFullName, StringComparison.Ordinal);
        var outputFits = OutputType is { } output
            ? outputType.IsAssignableFrom(output)
            : outputType == typeof(object) || string.Equals(outputType.FullName, OutputTypeFullName, StringComparison.Ordinal);
        if (!inputFits || !outputFits)
        {
            throw new GridException(
                $"Kernel '{Name}' takes {InputTypeFullName} and returns {OutputTypeFullName}, "
                + $"but the call sends {inputType.FullName} and expects {outputType.FullName}.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({ShortName(InputTypeFullName)} -> {ShortName(OutputTypeFullName)})";

    // The full name part of an assembly-qualified name: up to the first comma outside the brackets of generic arguments.
    private static string FullNameOf(string assemblyQualified)
    {
        var depth = 0;
        for (var i = 0; i < assemblyQualified.Length; i++)
        {
            switch (assemblyQualified[i])
            {
                case '[': depth++; break;
                case ']': depth--; break;
                case ',' when depth == 0: return assemblyQualified[..i];
            }
        }

        return assemblyQualified;
    }

    private static string ShortName(string fullName) => fullName[(fullName.LastIndexOfAny(['.', '+']) + 1)..];
}
