namespace Grid.Benchmarks;

/// <summary>One benchmark the program can run, chosen by its name on the command line.</summary>
internal interface IScenario
{
    /// <summary>Gets the name given on the command line.</summary>
    string Name { get; }

    /// <summary>Gets a one-line description for the usage text.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark, prints its block and its RESULT lines, and returns the process exit code.</summary>
    Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken);
}
