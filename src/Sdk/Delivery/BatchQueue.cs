using System.Threading.Channels;

namespace Braze.Delivery;

/// <summary>
/// The tracker's queue and its batching: a bounded number of places (reserved before an item is accepted and held
/// until it completes, so deferred and in-flight items count too, waited for with a plain or an async wait as the
/// caller is, never sync-over-async), and batches cut by Nagle's rule: at once
/// when no request is in flight (after an optional linger), otherwise when the batch fills, a flush asks for it, a
/// request completes (<see cref="Nudge"/>) or the flush interval passes. The reading loop sleeps while it holds a
/// partial batch until one of those happens, so it wakes once per batch instead of once per item.
/// After a full batch the load is high, and an idle pipe no longer means a quiet producer: a partial batch then waits
/// up to <see cref="FullLoadLinger"/> (or the flush interval, if shorter) even with nothing in flight. Sending it at
/// once would spend a request of the rate limit on a few items: at Braze's ceiling (3,000 requests per 3 s, 75
/// objects each) every partial request overdraws the window, the pacer then holds every request until the window
/// resets, and up to the whole queue piles up meanwhile, living long enough to reach gen2. The first partial batch
/// that goes at the deadline (the load dropped) makes an idle tracker send at once again.
/// </summary>
internal sealed class BatchQueue
{
    /// <summary>How long a partial batch waits after a full one, idle pipe or not: at most 10 partial requests a second, 1 % of Braze's rate limit.</summary>
    internal static readonly TimeSpan FullLoadLinger = TimeSpan.FromMilliseconds(100);

    private readonly Channel<TrackedItem> _channel;
    private readonly SemaphoreSlim _places;
    private readonly TimeProvider _time;
    private TaskCompletionSource _flushSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _fillSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _queued;
    private int _wakeAt = int.MaxValue;
    private long _flushTarget = -1;
    private bool _lastFull; // the last batch read was full (only the single reader touches it)
    private volatile bool _closed;

    /// <summary>A queue of at most <paramref name="capacity"/> items.</summary>
    public BatchQueue(int capacity, TimeProvider time)
    {
        _places = new SemaphoreSlim(Math.Max(1, capacity));
        _time = time;
        // Bounded to the places, so a write into a reserved place never waits; the places, not the channel, make callers wait.
        _channel = Channel.CreateBounded<TrackedItem>(new BoundedChannelOptions(Math.Max(1, capacity)) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Takes a place without waiting; false when the queue is full or closed.</summary>
    public bool TryReserve() => !_closed && _places.Wait(0) && Held();

    /// <summary>Waits on this thread for a place; false when the queue closed meanwhile.</summary>
    public bool Reserve(CancellationToken cancellationToken)
    {
        _places.Wait(cancellationToken);
        return Held();
    }

    /// <summary>Waits asynchronously for a place; false when the queue closed meanwhile.</summary>
    public async ValueTask<bool> ReserveAsync(CancellationToken cancellationToken)
    {
        await _places.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Held();
    }

    /// <summary>Gives back places: their items completed, or were reserved and not used.</summary>
    public void Release(int places)
    {
        if (places > 0)
        {
            _places.Release(places);
        }
    }

    /// <summary>Queues an item that holds a place (new, replayed, or due again after a deferral); false when the queue is closed.</summary>
    public bool TryEnqueue(TrackedItem item)
    {
        if (!_channel.Writer.TryWrite(item))
        {
            return false;
        }

        if (Interlocked.Increment(ref _queued) >= Volatile.Read(ref _wakeAt))
        {
            Volatile.Read(ref _fillSignal).TrySetResult();
        }

        return true;
    }

    /// <summary>Cuts a batch as soon as it holds an item with a sequence number at or below <paramref name="upTo"/>.</summary>
    public void RequestFlush(long upTo)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _flushTarget);
            if (upTo <= current)
            {
                break;
            }
        }
        while (Interlocked.CompareExchange(ref _flushTarget, upTo, current) != current);

        Interlocked.Exchange(ref _flushSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Wakes a loop holding a partial batch to look again (a request completed: the pipe may be idle now).</summary>
    public void Nudge() => Volatile.Read(ref _fillSignal).TrySetResult();

    /// <summary>Accepts no more items; what is queued can still be read. Callers waiting for a place are woken and refused.</summary>
    public void Close()
    {
        _closed = true;
        _channel.Writer.TryComplete();
        _places.Release(); // wakes one waiter, which hands the place on (Held) until none is left waiting
    }

    /// <summary>Takes out every item still queued (after <see cref="Close"/>, when nothing will send them).</summary>
    public List<TrackedItem> DrainUnsent()
    {
        var items = new List<TrackedItem>();
        while (_channel.Reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>
    /// Fills <paramref name="batch"/> with up to <paramref name="max"/> items and returns once it is full, holds an item a
    /// flush asked for, or the queue is closed; with a partial batch, once <paramref name="busy"/> says no request is in
    /// flight and <paramref name="linger"/> has passed (<see cref="FullLoadLinger"/> at least when the last batch was
    /// full), or, while one is, after <paramref name="interval"/>. Returns false when the queue is closed and empty.
    /// </summary>
    public async Task<bool> ReadBatchAsync(List<TrackedItem> batch, int max, TimeSpan linger, TimeSpan interval, Func<bool> busy, CancellationToken cancellationToken)
    {
        var reader = _channel.Reader;
        if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var started = _time.GetUtcNow();
        // At most one timer per deadline and batch, however often the loop is woken (every completed request nudges
        // it): a timer per wake-up would outlive collections and be promoted, costing gen2 collections at full load.
        CancellationTokenSource? timers = null;
        Task? lingerDeadline = null;
        Task? busyDeadline = null;
        try
        {
            while (true)
            {
                // Taken before the flush target is read: a flush requested after this point completes this task.
                var flush = Volatile.Read(ref _flushSignal).Task;
                var read = 0;
                while (batch.Count < max && reader.TryRead(out var item))
                {
                    batch.Add(item);
                    read++;
                }

                if (read > 0)
                {
                    Interlocked.Add(ref _queued, -read);
                }

                if (batch.Count == 0)
                {
                    if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return false;
                    }

                    continue;
                }

                if (batch.Count >= max || batch[0].Sequence <= Interlocked.Read(ref _flushTarget) || reader.Completion.IsCompleted)
                {
                    _lastFull = batch.Count >= max;
                    return true;
                }

                // A partial batch: sleep until enough items wait to fill it, a flush, a completed request, or the
                // deadline (not per item). The signal is published before the pipe is looked at, so a nudge in between
                // is not lost.
                var fill = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _fillSignal, fill);
                var idle = !busy();
                // Idle after a full batch: wait as a linger of FullLoadLinger would (a longer linger stays longer, a
                // shorter flush interval still bounds it).
                var fullLoad = interval < FullLoadLinger ? interval : FullLoadLinger;
                var wait = !idle ? interval : _lastFull && fullLoad > linger ? fullLoad : linger;
                var remaining = started + wait - _time.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    _lastFull = false;
                    return true;
                }

                var missing = max - batch.Count; // at least 1: the batch is not full here
                Interlocked.Exchange(ref _wakeAt, missing);
                if (Volatile.Read(ref _queued) < missing)
                {
                    timers ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var deadline = idle
                        ? lingerDeadline ??= Task.Delay(remaining, _time, timers.Token)
                        : busyDeadline ??= Task.Delay(remaining, _time, timers.Token);
                    await Task.WhenAny(fill.Task, flush, deadline).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                Volatile.Write(ref _wakeAt, int.MaxValue);
            }
        }
        finally
        {
            if (timers is not null)
            {
                await timers.CancelAsync().ConfigureAwait(false); // stops the deadlines' timers
                timers.Dispose();
            }
        }
    }

    /// <summary>After a wait for a place: true when the place is held; when the queue closed, hands it on and refuses.</summary>
    private bool Held()
    {
        if (!_closed)
        {
            return true;
        }

        _places.Release();
        return false;
    }
}
