namespace Grid.Kernels;

/// <summary>Gives a kernel class the name clients use to run it.</summary>
/// <param name="name">The kernel name, for example <c>is-prime</c>.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KernelAttribute(string name) : Attribute
{
    /// <summary>Gets the kernel name.</summary>
    public string Name { get; } = KernelNames.Validate(name, nameof(name));
}
