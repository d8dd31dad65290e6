namespace Grid.Kernels;

/// <summary>The outcome of Monte Carlo pi runs: points inside the quarter circle out of points thrown.</summary>
/// <param name="Hits">Points that fell inside the quarter circle.</param>
/// <param name="Samples">Points thrown.</param>
[GenerateSerializer]
[Immutable]
public sealed record PiEstimate(long Hits, long Samples)
{
    /// <summary>Gets the estimate of pi, four times the share of hits.</summary>
    public double Pi => Samples == 0 ? double.NaN : 4.0 * Hits / Samples;

    /// <summary>Adds two estimates into one over all their samples.</summary>
    public static PiEstimate operator +(PiEstimate left, PiEstimate right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new PiEstimate(left.Hits + right.Hits, left.Samples + right.Samples);
    }

    /// <summary>Adds two estimates into one over all their samples.</summary>
    public static PiEstimate Add(PiEstimate left, PiEstimate right) => left + right;
}
