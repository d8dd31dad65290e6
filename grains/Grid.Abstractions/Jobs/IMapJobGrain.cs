namespace Grid.Jobs;

/// <summary>A job that runs a registered kernel over its items, its chunks pulled by the worker pools of every silo.</summary>
public interface IMapJobGrain : IJobGrain
{
}
