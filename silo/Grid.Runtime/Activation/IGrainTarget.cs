namespace Grid.Runtime.Activation;

/// <summary>What the catalog routes a grain id's calls to: one activation, or the pool of a stateless worker.</summary>
internal interface IGrainTarget
{
    /// <summary>Gets the mailbox calls are posted to.</summary>
    Mailbox Mailbox { get; }

    /// <summary>Gets the registered grain class the target runs.</summary>
    GrainTypeInfo Type { get; }

    /// <summary>Called after a call was posted, so a pool can add a worker when all are busy.</summary>
    void OnPosted();

    /// <summary>Deactivates activations idle since before <paramref name="idleSince"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    void CollectIdle(long idleSince);

    /// <summary>Deactivates every activation of the target and waits for them to finish.</summary>
    Task DeactivateAsync();
}
