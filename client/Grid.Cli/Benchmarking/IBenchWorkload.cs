using Grid.Client;

namespace Grid.Cli.Benchmarking;

/// <summary>A kernel with generated inputs that <c>grid bench</c> runs serially and then on the grid.</summary>
internal interface IBenchWorkload
{
    /// <summary>Gets the kernel's name.</summary>
    string Kernel { get; }

    /// <summary>Gets the number of inputs.</summary>
    int Items { get; }

    /// <summary>Runs the kernel class over every input, one after another, in this process; its values become the expected ones.</summary>
    BenchMeasurement RunSerial(TimeProvider timeProvider, CancellationToken cancellationToken);

    /// <summary>Runs every input through a map job on <paramref name="client"/> and checks the values against the serial run's.</summary>
    Task<BenchMeasurement> RunGridAsync(GridClient client, int workers, MapOptions options, TimeProvider timeProvider, CancellationToken cancellationToken);
}
