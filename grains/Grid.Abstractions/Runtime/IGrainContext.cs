namespace Grid;

/// <summary>What the runtime tells an activation about itself and lets it ask of the runtime.</summary>
public interface IGrainContext
{
    /// <summary>Gets the identity of the grain.</summary>
    GrainId GrainId { get; }

    /// <summary>Gets the name of this activation, unique within the silo (several activations share a stateless worker's grain id).</summary>
    string ActivationName { get; }

    /// <summary>Gets the grain factory for calls to other grains.</summary>
    IGrainFactory GrainFactory { get; }

    /// <summary>Gets the clock of the silo.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>Asks the runtime to deactivate this activation once its current turn and mailbox are done.</summary>
    void DeactivateOnIdle();
}
