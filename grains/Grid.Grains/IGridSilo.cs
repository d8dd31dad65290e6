namespace Grid;

/// <summary>Facts about the silo that Grid's grains and services ask for: its name, its clock and its worker count.</summary>
public interface IGridSilo
{
    /// <summary>Gets the name of this silo, which begins every worker name it reports.</summary>
    string SiloName { get; }

    /// <summary>Gets the clock the silo uses for timeouts and measurements.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>Gets how many kernels this silo's worker pool runs at once.</summary>
    int MaxWorkers { get; }
}
