namespace Grid.Kernels;

/// <summary>One run of the Monte Carlo pi kernel: how many points to throw and the seed that makes the run reproducible.</summary>
/// <param name="Seed">The seed of the run's random numbers; the same seed gives the same hits.</param>
/// <param name="Samples">The number of points to throw, at least 1.</param>
[GenerateSerializer]
[Immutable]
public sealed record PiSample(long Seed, long Samples);
