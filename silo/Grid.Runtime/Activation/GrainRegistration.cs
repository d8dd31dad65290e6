namespace Grid.Runtime.Activation;

/// <summary>A grain class registered in the silo's services as the implementation of a grain interface.</summary>
/// <param name="Interface">The grain interface.</param>
/// <param name="Implementation">The grain class.</param>
internal sealed record GrainRegistration(Type Interface, Type Implementation);
