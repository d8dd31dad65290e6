namespace Grid.Cli.Benchmarking;

/// <summary>One timed run of a benchmark: serial (0 workers) or on the grid with some workers.</summary>
/// <param name="Workers">The silo's MaxLocalWorkers, or 0 for the serial run in this process.</param>
/// <param name="WallTime">The time from the first input to the last result.</param>
/// <param name="Items">The items run.</param>
/// <param name="Failed">Items that did not succeed.</param>
/// <param name="Mismatched">Items whose value differs from the serial run's.</param>
internal sealed record BenchMeasurement(int Workers, TimeSpan WallTime, int Items, int Failed, int Mismatched)
{
    /// <summary>Gets the items finished per second.</summary>
    public double ItemsPerSecond => WallTime > TimeSpan.Zero ? Items / WallTime.TotalSeconds : 0;

    /// <summary>Gets how many times faster than <paramref name="serial"/> this run was.</summary>
    public double SpeedupOver(BenchMeasurement serial)
    {
        ArgumentNullException.ThrowIfNull(serial);
        return WallTime > TimeSpan.Zero ? serial.WallTime / WallTime : 0;
    }

    /// <summary>Gets the speedup per worker: 1 when every worker pulls its full weight.</summary>
    public double EfficiencyOver(BenchMeasurement serial) => Workers > 0 ? SpeedupOver(serial) / Workers : 1;
}
