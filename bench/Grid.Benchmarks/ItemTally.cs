using System.Collections;
using Grid.Jobs;

namespace Grid.Benchmarks;

/// <summary>Checks a map of the no-op kernel over 0..n-1: every index arrives exactly once, successfully, with the value index + 1.</summary>
/// <remarks>One bit per item, so ten million items cost 1.2 MB and do not distort the memory scenario.</remarks>
internal sealed class ItemTally(long count)
{
    private readonly BitArray _seen = new(checked((int)count));

    /// <summary>Gets the results received.</summary>
    public long Received { get; private set; }

    /// <summary>Gets the results whose index had already arrived or lies outside 0..n-1.</summary>
    public long Duplicates { get; private set; }

    /// <summary>Gets the results that failed or carried a value other than index + 1.</summary>
    public long Wrong { get; private set; }

    /// <summary>Gets the indexes that never arrived; meaningful once the job has ended.</summary>
    public long Missing => count - (Received - Duplicates);

    /// <summary>Gets the results that break the exactly-once, correct-value rule, missing ones included.</summary>
    public long Errors => Duplicates + Wrong + Missing;

    /// <summary>Records one result.</summary>
    public void Add(in ItemResult<long> result)
    {
        Received++;
        if (result.Index < 0 || result.Index >= count || _seen[(int)result.Index])
        {
            Duplicates++;
            return;
        }

        _seen[(int)result.Index] = true;
        if (!result.IsSuccess || result.Value != result.Index + 1)
        {
            Wrong++;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Received} received, {Missing} missing, {Duplicates} duplicate, {Wrong} wrong";
}
