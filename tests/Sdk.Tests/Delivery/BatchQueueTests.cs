using Braze.Delivery;

namespace Braze.Tests.Delivery;

/// <summary>The tracker's queue: places waited for on the caller's thread or asynchronously, batches cut by size, flush or close.</summary>
public sealed class BatchQueueTests
{
    private static readonly TimeSpan s_never = TimeSpan.FromHours(1);
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(10);
    private long _sequence;

    [Fact]
    public async Task A_full_queue_makes_plain_and_async_callers_wait_until_items_complete_not_merely_leave_the_queue()
    {
        var queue = new BatchQueue(2, TimeProvider.System);
        Assert.True(queue.TryReserve() && queue.TryEnqueue(Item()));
        Assert.True(queue.TryReserve() && queue.TryEnqueue(Item()));
        Assert.False(queue.TryReserve());

        var blocked = Task.Factory.StartNew(() => queue.Reserve(CancellationToken.None), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var waiting = queue.ReserveAsync(CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(blocked.IsCompleted);
        Assert.False(waiting.IsCompleted);

        var batch = new List<TrackedItem>();
        Assert.True(await queue.ReadBatchAsync(batch, max: 2, TimeSpan.Zero, s_never, Busy, CancellationToken.None));
        Assert.Equal(2, batch.Count);
        await Task.Delay(100);
        Assert.False(blocked.IsCompleted, "a place is held until its item completes (in flight or deferred counts)");
        Assert.False(waiting.IsCompleted);

        queue.Release(2); // the two items completed
        Assert.True(await blocked.WaitAsync(s_patience));
        Assert.True(await waiting.WaitAsync(s_patience));
    }

    [Fact]
    public async Task Closing_refuses_every_caller_still_waiting_for_a_place()
    {
        var queue = new BatchQueue(1, TimeProvider.System);
        Assert.True(queue.TryReserve() && queue.TryEnqueue(Item()));
        var blocked = Enumerable.Range(0, 3)
            .Select(_ => Task.Factory.StartNew(() => queue.Reserve(CancellationToken.None), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .Concat(Enumerable.Range(0, 3).Select(_ => queue.ReserveAsync(CancellationToken.None).AsTask()))
            .ToList();
        await Task.Delay(100);

        queue.Close();

        Assert.All(await Task.WhenAll(blocked).WaitAsync(s_patience), Assert.False);
        Assert.False(queue.TryReserve());
        Assert.Single(queue.DrainUnsent());
    }

    [Fact]
    public async Task A_batch_is_cut_when_full_when_a_flush_asks_for_it_and_when_the_queue_closes()
    {
        var queue = new BatchQueue(10, TimeProvider.System);
        var items = Enumerable.Range(0, 5).Select(_ => Item()).ToList();
        foreach (var item in items)
        {
            Assert.True(queue.TryReserve() && queue.TryEnqueue(item));
        }

        var batch = new List<TrackedItem>();
        Assert.True(await queue.ReadBatchAsync(batch, max: 3, TimeSpan.Zero, s_never, Busy, CancellationToken.None).WaitAsync(s_patience));
        Assert.Equal(items.Take(3), batch);

        batch.Clear();
        var partial = queue.ReadBatchAsync(batch, max: 3, TimeSpan.Zero, s_never, Busy, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(partial.IsCompleted); // two items wait for a third, a flush or the interval
        queue.RequestFlush(items[^1].Sequence);
        Assert.True(await partial.WaitAsync(s_patience));
        Assert.Equal(items.Skip(3), batch);

        queue.Close();
        batch.Clear();
        Assert.False(await queue.ReadBatchAsync(batch, max: 3, TimeSpan.Zero, s_never, Busy, CancellationToken.None).WaitAsync(s_patience));
    }

    [Fact]
    public async Task With_nothing_in_flight_a_partial_batch_goes_at_once_or_after_the_linger()
    {
        var queue = new BatchQueue(10, TimeProvider.System);
        Assert.True(queue.TryReserve() && queue.TryEnqueue(Item()));
        var batch = new List<TrackedItem>();
        Assert.True(await queue.ReadBatchAsync(batch, max: 75, TimeSpan.Zero, s_never, Idle, CancellationToken.None).WaitAsync(s_patience));
        Assert.Single(batch);

        Assert.True(queue.TryReserve() && queue.TryEnqueue(Item()));
        batch.Clear();
        var lingering = queue.ReadBatchAsync(batch, max: 75, s_never, s_never, Idle, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(lingering.IsCompleted); // an idle queue with a linger holds the partial batch ...
        queue.RequestFlush(long.MaxValue);
        Assert.True(await lingering.WaitAsync(s_patience)); // ... until the linger ends, it fills or a flush asks for it
        Assert.Single(batch);
    }

    [Fact]
    public async Task While_a_request_is_in_flight_a_partial_batch_waits_until_it_completes()
    {
        var queue = new BatchQueue(10, TimeProvider.System);
        var inFlight = true;
        Assert.True(queue.TryReserve() && queue.TryEnqueue(Item()));
        var batch = new List<TrackedItem>();
        var waiting = queue.ReadBatchAsync(batch, max: 75, TimeSpan.Zero, s_never, () => Volatile.Read(ref inFlight), CancellationToken.None);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        Volatile.Write(ref inFlight, false);
        queue.Nudge();
        Assert.True(await waiting.WaitAsync(s_patience));
        Assert.Single(batch);
    }

    private static bool Busy() => true;

    private static bool Idle() => false;

    private TrackedItem Item() => new(Interlocked.Increment(ref _sequence), TrackArray.Events, [], DateTimeOffset.UnixEpoch);
}
