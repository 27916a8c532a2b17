using Braze.Delivery;
using Microsoft.Extensions.Logging.Abstractions;

namespace Braze.Tests.Delivery;

/// <summary>The lazily created completion of a tracked item and the completion ledger.</summary>
public class TrackedItemTests
{
    [Fact]
    public async Task A_handle_completes_whether_its_task_is_asked_for_before_or_after_the_item_finishes()
    {
        var early = new TrackedItem(1, TrackArray.Events, [], DateTimeOffset.UnixEpoch);
        var earlyTask = new TrackHandle(early).Completion;
        Assert.False(earlyTask.IsCompleted);
        early.Finish(null);
        await earlyTask.WaitAsync(TimeSpan.FromSeconds(5));

        var late = new TrackedItem(2, TrackArray.Events, [], DateTimeOffset.UnixEpoch);
        late.Finish(new BrazeDeliveryException("rejected"));
        var handle = new TrackHandle(late);
        Assert.True(handle.IsCompleted);
        var error = await Assert.ThrowsAsync<BrazeDeliveryException>(() => handle.Completion);
        Assert.Equal("rejected", error.Message);
        Assert.Same(handle.Completion, handle.Completion);
    }

    [Fact]
    public async Task Racing_finish_and_task_creation_never_leaves_a_task_pending()
    {
        for (var round = 0; round < 500; round++)
        {
            var item = new TrackedItem(round, TrackArray.Events, [], DateTimeOffset.UnixEpoch);
            var fail = round % 2 == 1;
            using var start = new Barrier(3);
            var readers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                return item.GetTask();
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            var finisher = Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                item.Finish(fail ? new BrazeDeliveryException("x") : null);
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            await finisher;
            foreach (var task in await Task.WhenAll(readers))
            {
                var done = await Task.WhenAny(task, Task.Delay(5_000));
                Assert.Same(task, done);
                Assert.Equal(fail, task.IsFaulted);
            }
        }
    }

    [Fact]
    public async Task The_ledger_completes_each_item_once_and_snapshots_the_rest()
    {
        var released = 0;
        var pending = new CompletionLedger(n => released += n, metrics: null, NullLogger.Instance);
        var items = Enumerable.Range(0, 5).Select(i => new TrackedItem(i, TrackArray.Events, [], DateTimeOffset.UnixEpoch) { HoldsPlace = true }).ToList();
        items.ForEach(pending.Add);
        await pending.DeliveredAsync([items[2]]);
        await pending.DeliveredAsync([items[2]]); // already completed: nothing happens twice
        await pending.WithdrawAsync([items[4]], new InvalidOperationException("withdrawn"));
        Assert.True(pending.Abandon(items[0], new InvalidOperationException("stopped")));
        Assert.False(pending.Abandon(items[0], new InvalidOperationException("again")));

        Assert.Equal(2, pending.Count);
        Assert.Equal([1L, 3L], pending.Snapshot().Select(i => i.Sequence).Order());
        Assert.Equal(3, released);
        Assert.True(items[2].GetTask().IsCompletedSuccessfully);
        Assert.True(items[4].GetTask().IsFaulted);
    }
}
