using Grid.Jobs;
using Grid.Kernels;

namespace Grid.Tests.Kernels;

[Trait("Category", "Fast")]
public sealed class ItemLimitsTests
{
    [Fact]
    public void LateError_JobCancelledWhileItemRanUnderAJobDeadline_IsCancelledNotTimedOut()
    {
        using var job = new CancellationTokenSource();
        var chunk = new Chunk(Guid.NewGuid(), 0, 0, "k", new long[1]) { Deadline = TimeProvider.System.GetUtcNow().AddHours(1) };
        using var limits = ItemLimits.Create(chunk, TimeProvider.System, job.Token);
        limits.BeginItem();

        job.Cancel();

        Assert.Equal(ItemStatus.Cancelled, limits.LateError(TimeSpan.FromMilliseconds(1), job.Token)?.Status);
    }

    [Fact]
    public void LateError_ItemRanPastItsLimit_IsTimedOutNamingTheLimit()
    {
        var chunk = new Chunk(Guid.NewGuid(), 0, 0, "k", new long[1]) { ItemTimeout = TimeSpan.FromMilliseconds(10) };
        using var limits = ItemLimits.Create(chunk, TimeProvider.System, CancellationToken.None);

        var error = limits.LateError(TimeSpan.FromMilliseconds(25), CancellationToken.None);

        Assert.Equal(ItemStatus.TimedOut, error?.Status);
        Assert.Contains("time limit of 10 ms", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LateError_ItemInTime_IsNull()
    {
        var chunk = new Chunk(Guid.NewGuid(), 0, 0, "k", new long[1]) { ItemTimeout = TimeSpan.FromSeconds(10) };
        using var limits = ItemLimits.Create(chunk, TimeProvider.System, CancellationToken.None);

        Assert.Null(limits.LateError(TimeSpan.FromMilliseconds(1), CancellationToken.None));
    }
}
