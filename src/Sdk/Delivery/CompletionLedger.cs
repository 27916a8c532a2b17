using Braze.Transport;
using Microsoft.Extensions.Logging;

namespace Braze.Delivery;

/// <summary>
/// Which accepted items are not completed yet, and the only ways they end: claimed exactly once (a send, a refusal and
/// a shutdown may race for the same item), then their outbox row goes (completed, or moved to the dead letters with
/// the reason), then the queue place is given back, the handle completes and the item leaves the pending set. So once a handle completes (and so once
/// a flush returns) its item is no longer stored, and a crash in between can only resend it, never lose it. A
/// deferred item stays pending: its row records the failed attempt and when the next one is due. The pending items
/// are an intrusive list: tracking one allocates nothing.
/// </summary>
internal sealed partial class CompletionLedger(Action<int> releasePlaces, BrazeMetrics? metrics, ILogger logger)
{
    private readonly object _gate = new();
    private TrackedItem? _head;
    private int _count;

    /// <summary>The durable store, when there is one (set once, before the first item).</summary>
    public IBrazeOutbox? Outbox { get; set; }

    /// <summary>Items accepted and not completed.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Records an accepted item as pending.</summary>
    public void Add(TrackedItem item)
    {
        lock (_gate)
        {
            item.Next = _head;
            item.Previous = null;
            if (_head is not null)
            {
                _head.Previous = item;
            }

            _head = item;
            item.Listed = true;
            _count++;
        }

        metrics?.AddQueueDepth(1);
    }

    /// <summary>
    /// Takes the right to complete an item; false when something else took it first. The item stays in the pending set
    /// (and in <see cref="Snapshot"/>) until it is finished: a flush that sees it waits for its outbox row to go too.
    /// </summary>
    private bool Claim(TrackedItem item)
    {
        lock (_gate)
        {
            if (!item.Listed || item.Claimed)
            {
                return false;
            }

            item.Claimed = true;
            return true;
        }
    }

    /// <summary>Finishes a claimed item and takes it out of the pending set, in that order.</summary>
    private void Finish(TrackedItem item, Exception? error)
    {
        item.Finish(error);
        lock (_gate)
        {
            if (item.Previous is not null)
            {
                item.Previous.Next = item.Next;
            }
            else
            {
                _head = item.Next;
            }

            if (item.Next is not null)
            {
                item.Next.Previous = item.Previous;
            }

            item.Previous = item.Next = null;
            item.Listed = false;
            _count--;
        }

        metrics?.AddQueueDepth(-1);
    }

    /// <summary>
    /// Withdraws items that were never accepted (the queue refused them, their caller cancelled, or storing them failed)
    /// or that are purged unsent (their user is being deleted): out of the set and the outbox, and completed with
    /// <paramref name="reason"/>, so that a flush that saw them pending does not wait forever.
    /// </summary>
    public async ValueTask WithdrawAsync(IReadOnlyList<TrackedItem> items, Exception reason)
    {
        var claimed = ClaimAll(items);
        await RemoveAsync(claimed).ConfigureAwait(false);
        Finish(claimed, _ => reason);
    }

    /// <summary>Braze accepted these items: out of the set and the outbox, then their handles succeed.</summary>
    public async ValueTask DeliveredAsync(IReadOnlyList<TrackedItem> items)
    {
        var claimed = ClaimAll(items);
        await RemoveAsync(claimed).ConfigureAwait(false);
        Finish(claimed, _ => null);
    }

    /// <summary>
    /// The tracker gives up on these items (Braze rejected them for good, or they stayed undelivered too long): into the
    /// outbox's dead letters with the reason, then their handles fail with it.
    /// </summary>
    public async ValueTask DeadLetterAsync(IReadOnlyList<(TrackedItem Item, BrazeDeliveryException Reason)> items)
    {
        var claimed = items.Where(x => Claim(x.Item)).ToList();
        if (claimed.Count == 0)
        {
            return;
        }

        if (Outbox is { } outbox)
        {
            foreach (var group in claimed.Where(x => x.Item.OutboxId > 0).GroupBy(x => x.Reason.Message))
            {
                await Guard(() => outbox.DeadLetterAsync(group.Select(x => x.Item.OutboxId).ToList(), group.Key, CancellationToken.None), claimed.Count, "dead-letter").ConfigureAwait(false);
            }
        }

        metrics?.DeadLettered.Add(claimed.Count);
        LogDeadLettered(logger, claimed.Count, Outbox is not null, claimed[0].Reason.Message);
        ReleasePlaces(claimed.Select(x => x.Item));
        foreach (var (item, reason) in claimed)
        {
            Finish(item, reason);
        }
    }

    /// <summary>
    /// These items' attempt failed for a reason that was not theirs: they stay pending, their rows record the attempt
    /// and when the next is due, and flushes waiting for the attempt are woken.
    /// </summary>
    public async ValueTask DeferAsync(IReadOnlyList<TrackedItem> items, DateTimeOffset nextAttemptAt, string reason, bool countAttempt)
    {
        if (countAttempt)
        {
            if (Outbox is { } outbox)
            {
                var ids = items.Where(i => i.OutboxId > 0).Select(i => i.OutboxId).ToList();
                await Guard(() => outbox.DeferAsync(ids, nextAttemptAt, reason, CancellationToken.None), ids.Count, "defer").ConfigureAwait(false);
            }

            foreach (var item in items)
            {
                item.Attempts++;
            }

            metrics?.Deferred.Add(items.Count);
        }

        foreach (var item in items)
        {
            item.EndAttempt();
        }
    }

    /// <summary>Completes a pending item without touching the outbox (shutdown: its row stays for the next start); false when something else completed it first.</summary>
    public bool Abandon(TrackedItem item, Exception error)
    {
        if (!Claim(item))
        {
            return false;
        }

        ReleasePlaces([item]);
        Finish(item, error);
        return true;
    }

    /// <summary>The pending items <paramref name="match"/> selects, in no particular order (one pass under the lock, no copy of the rest).</summary>
    public List<TrackedItem> Collect(Func<TrackedItem, bool> match)
    {
        lock (_gate)
        {
            var items = new List<TrackedItem>();
            for (var i = _head; i is not null; i = i.Next)
            {
                if (match(i))
                {
                    items.Add(i);
                }
            }

            return items;
        }
    }

    /// <summary>When the oldest pending item was first accepted (null: none); one pass under the lock.</summary>
    public DateTimeOffset? OldestEnqueuedAt()
    {
        lock (_gate)
        {
            DateTimeOffset? oldest = null;
            for (var i = _head; i is not null; i = i.Next)
            {
                if (oldest is null || i.EnqueuedAt < oldest)
                {
                    oldest = i.EnqueuedAt;
                }
            }

            return oldest;
        }
    }

    /// <summary>The pending items now, in no particular order.</summary>
    public List<TrackedItem> Snapshot()
    {
        lock (_gate)
        {
            var items = new List<TrackedItem>(_count);
            for (var i = _head; i is not null; i = i.Next)
            {
                items.Add(i);
            }

            return items;
        }
    }

    private List<TrackedItem> ClaimAll(IReadOnlyList<TrackedItem> items)
    {
        var claimed = new List<TrackedItem>(items.Count);
        foreach (var item in items)
        {
            if (Claim(item))
            {
                claimed.Add(item);
            }
        }

        return claimed;
    }

    private void Finish(List<TrackedItem> claimed, Func<TrackedItem, Exception?> errorOf)
    {
        ReleasePlaces(claimed);
        foreach (var item in claimed)
        {
            Finish(item, errorOf(item));
        }
    }

    private void ReleasePlaces(IEnumerable<TrackedItem> items)
    {
        var places = 0;
        foreach (var item in items)
        {
            if (item.HoldsPlace)
            {
                item.HoldsPlace = false;
                places++;
            }
        }

        if (places > 0)
        {
            releasePlaces(places);
        }
    }

    private async ValueTask RemoveAsync(List<TrackedItem> claimed)
    {
        if (Outbox is { } outbox && claimed.Count > 0)
        {
            var ids = claimed.Where(i => i.OutboxId > 0).Select(i => i.OutboxId).ToList();
            if (ids.Count > 0)
            {
                await Guard(() => outbox.CompleteAsync(ids, CancellationToken.None), ids.Count, "remove").ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// An outbox write that fails (disk full, file gone) cannot change what happened to the items: they are done either
    /// way, and rows left behind are sent again on the next start (at least once, never lost).
    /// </summary>
    private async ValueTask Guard(Func<ValueTask> write, int count, string operation)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogOutboxWriteFailed(logger, ex, operation, count);
        }
    }

    [LoggerMessage(24, LogLevel.Error, "The Braze tracker could not {Operation} {Count} item(s) in its outbox; they are sent again on the next start")]
    private static partial void LogOutboxWriteFailed(ILogger logger, Exception exception, string operation, int count);

    [LoggerMessage(26, LogLevel.Warning, "The Braze tracker gave up on {Count} item(s) (kept as dead letters: {InOutbox}): {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, int count, bool inOutbox, string reason);
}
