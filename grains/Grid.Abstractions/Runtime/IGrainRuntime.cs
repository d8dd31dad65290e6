namespace Grid;

/// <summary>Facts about the silo that grains may ask for through dependency injection.</summary>
public interface IGrainRuntime
{
    /// <summary>Gets the name of this silo.</summary>
    string SiloName { get; }

    /// <summary>Gets the clock the silo uses for timeouts and measurements.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>Gets how many activations of the stateless worker grain <typeparamref name="TGrainInterface"/> this silo runs at most.</summary>
    int GetMaxLocalWorkers<TGrainInterface>() where TGrainInterface : IGrain;
}
