using Braze.Transport;
using Microsoft.Extensions.Logging;

namespace Braze.Delivery;

/// <summary>
/// Which accepted items are not completed yet, and the one way they complete: claimed exactly once (a send, a
/// failure and a shutdown may race for the same item), out of the outbox next, completed last. So once a handle
/// completes (and so once a flush returns) its item is no longer stored, and a crash in between can only resend it,
/// never lose it. The pending items are an intrusive list: tracking one allocates nothing.
/// </summary>
internal sealed partial class CompletionLedger(BrazeMetrics? metrics, ILogger logger)
{
    private readonly object _gate = new();
    private readonly object _outboxGate = new();
    private TrackedItem? _head;
    private int _count;
    private ITrackOutbox? _outbox;

    /// <summary>Items accepted and not completed.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>True while an outbox keeps the items.</summary>
    public bool HasOutbox => Volatile.Read(ref _outbox) is not null;

    /// <summary>Items stored in the outbox (0 without one).</summary>
    public long OutboxCount()
    {
        lock (_outboxGate)
        {
            return _outbox?.Count() ?? 0;
        }
    }

    /// <summary>Starts keeping items in <paramref name="outbox"/>; returns what it holds from an earlier run.</summary>
    public IReadOnlyList<OutboxRow> Open(ITrackOutbox outbox)
    {
        lock (_outboxGate)
        {
            _outbox = outbox;
            return outbox.ReadAll();
        }
    }

    /// <summary>Stops using the outbox and closes it (items left in it are sent on the next start).</summary>
    public void Close()
    {
        lock (_outboxGate)
        {
            _outbox?.Dispose();
            _outbox = null;
        }
    }

    /// <summary>Stores a new item durably (when there is an outbox) before it is accepted.</summary>
    public void Store(TrackedItem item, DateTimeOffset now)
    {
        lock (_outboxGate)
        {
            if (_outbox is { } outbox)
            {
                item.OutboxId = outbox.Add(item.Array, item.Payload, now);
            }
        }
    }

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

    /// <summary>Takes an item out of the pending set; false when something else took it first.</summary>
    public bool Claim(TrackedItem item)
    {
        lock (_gate)
        {
            if (!item.Listed)
            {
                return false;
            }

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
        return true;
    }

    /// <summary>
    /// Withdraws an item that was never accepted (the queue refused it, or its caller cancelled): out of the set and the
    /// outbox, and completed with <paramref name="reason"/>, so that a flush that saw it pending does not wait forever.
    /// </summary>
    public void Withdraw(TrackedItem item, Exception reason)
    {
        if (Claim(item))
        {
            Unstore([item]);
            item.Finish(reason);
        }
    }

    /// <summary>Completes an item exactly once; false when something else completed it first.</summary>
    public bool Complete(TrackedItem item, Exception? error, bool removeFromOutbox)
    {
        if (!Claim(item))
        {
            return false;
        }

        if (removeFromOutbox)
        {
            Unstore([item]);
        }

        item.Finish(error);
        return true;
    }

    /// <summary>Completes items already claimed: out of the outbox first, then their handles.</summary>
    public void Settle(IReadOnlyList<TrackedItem> claimed, Func<TrackedItem, Exception?> errorOf)
    {
        Unstore(claimed);
        foreach (var item in claimed)
        {
            item.Finish(errorOf(item));
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

    private void Unstore(IReadOnlyCollection<TrackedItem> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        try
        {
            lock (_outboxGate)
            {
                _outbox?.Remove(items.Where(i => i.OutboxId > 0).Select(i => i.OutboxId));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The items are done either way; rows left behind are sent again on the next start (at least once).
            LogOutboxRemoveFailed(logger, ex, items.Count);
        }
    }

    [LoggerMessage(24, LogLevel.Error, "The Braze tracker could not remove {Count} finished item(s) from its outbox; they are sent again on the next start")]
    private static partial void LogOutboxRemoveFailed(ILogger logger, Exception exception, int count);
}
