namespace Grid.Tests.Runtime.TestGrains;

public interface ILifecycleGrain : IGrain
{
    Task<int> RememberAsync(int value);

    Task DeactivateAsync();
}

public sealed class LifecycleGrain(Probe probe) : Grain, ILifecycleGrain
{
    private int _remembered;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (GrainId.Key == "fails")
        {
            throw new InvalidOperationException("activation refused");
        }

        probe.Increment($"activated-{GrainId.Key}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        probe.Signal($"deactivated-{GrainId.Key}-{probe.Increment($"deactivated-{GrainId.Key}")}");
        return Task.CompletedTask;
    }

    /// <summary>Returns what it remembered before and remembers <paramref name="value"/>.</summary>
    public Task<int> RememberAsync(int value)
    {
        var previous = _remembered;
        _remembered = value;
        return Task.FromResult(previous);
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
