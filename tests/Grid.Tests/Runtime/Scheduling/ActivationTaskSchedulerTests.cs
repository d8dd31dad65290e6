using Grid.Runtime.Scheduling;

namespace Grid.Tests.Runtime.Scheduling;

public sealed class ActivationTaskSchedulerTests
{
    [Fact]
    public async Task QueueTask_ManyTasksEachQueuedAsThePreviousEnds_NoneIsLeftBehind()
    {
        // Each task is queued just as the scheduler's work item finishes, the moment a lost wake-up would strand it.
        var scheduler = new ActivationTaskScheduler();
        for (var i = 0; i < 200_000; i++)
        {
            var task = Task.Factory.StartNew(static () => { }, CancellationToken.None, TaskCreationOptions.None, scheduler);
            await task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task QueueTask_FromManyThreads_RunsOneTaskAtATime()
    {
        var scheduler = new ActivationTaskScheduler();
        var inside = 0;
        var overlaps = 0;
        var tasks = Enumerable.Range(0, 20_000).Select(_ => Task.Factory.StartNew(
            () =>
            {
                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                Thread.SpinWait(50);
                Interlocked.Decrement(ref inside);
            },
            CancellationToken.None,
            TaskCreationOptions.None,
            scheduler));

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, overlaps);
    }
}
