namespace Grid;

/// <summary>Gives references to grains by key; a reference is cheap and the grain is activated on its first call.</summary>
public interface IGrainFactory
{
    /// <summary>Gets a reference to the grain of type <typeparamref name="TGrain"/> with the given key.</summary>
    TGrain GetGrain<TGrain>(string key) where TGrain : class, IGrain;

    /// <summary>Gets a reference to the grain of type <typeparamref name="TGrain"/> with the given key.</summary>
    TGrain GetGrain<TGrain>(Guid key) where TGrain : class, IGrain;

    /// <summary>Gets a reference to the grain of type <typeparamref name="TGrain"/> with the given key.</summary>
    TGrain GetGrain<TGrain>(long key) where TGrain : class, IGrain;
}
