namespace Braze.Delivery;

/// <summary>
/// Group commit: items waiting to become durable are appended to the outbox together, in one write, by one dedicated
/// thread, so many concurrent <c>Track</c> and <c>EnqueueAsync</c> callers share one commit. A caller returns once
/// its item's write committed. The thread is dedicated (not the thread pool) because blocking <c>Track</c> callers
/// may hold every pool thread while they wait for it.
/// </summary>
internal sealed class OutboxAppender : IDisposable
{
    // Bounds one transaction: large enough to absorb a burst, small enough to keep a commit short.
    private const int MaxGroup = 4096;

    private readonly IBrazeOutbox _outbox;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private readonly List<(TrackedItem Item, TaskCompletionSource? Durable)> _waiting = [];
    private bool _closed;

    public OutboxAppender(IBrazeOutbox outbox)
    {
        _outbox = outbox;
        _thread = new Thread(Run) { IsBackground = true, Name = "Braze outbox group commit" };
        _thread.Start();
    }

    /// <summary>Completes when <paramref name="items"/> are durable (their <see cref="TrackedItem.OutboxId"/> set), or faults with why they are not.</summary>
    public Task AppendAsync(IReadOnlyList<TrackedItem> items)
    {
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_closed)
            {
                throw new ObjectDisposedException(nameof(BrazeTracker), "The Braze tracker is stopping and accepts no more items.");
            }

            // Several items of one caller (a whole request) share its completion: only the last one signals it.
            for (var i = 0; i < items.Count; i++)
            {
                _waiting.Add((items[i], i == items.Count - 1 ? durable : null));
            }

            Monitor.Pulse(_gate);
        }

        return durable.Task;
    }

    /// <summary>Commits what waits, then stops the thread.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.Pulse(_gate);
        }

        _thread.Join();
    }

    private void Run()
    {
        while (true)
        {
            List<(TrackedItem Item, TaskCompletionSource? Durable)> group;
            lock (_gate)
            {
                while (_waiting.Count == 0 && !_closed)
                {
                    Monitor.Wait(_gate);
                }

                if (_waiting.Count == 0)
                {
                    return;
                }

                // Never split one caller's items over two commits: a request is durable all at once or not at all.
                var take = Math.Min(_waiting.Count, MaxGroup);
                while (take < _waiting.Count && _waiting[take - 1].Durable is null)
                {
                    take++;
                }

                group = _waiting.GetRange(0, take);
                _waiting.RemoveRange(0, take);
            }

            Commit(group);
        }
    }

    private void Commit(List<(TrackedItem Item, TaskCompletionSource? Durable)> group)
    {
        try
        {
            var entries = new OutboxEntry[group.Count];
            for (var i = 0; i < group.Count; i++)
            {
                var item = group[i].Item;
                entries[i] = new OutboxEntry(item.Array, item.Payload, item.EnqueuedAt, item.User?.Key);
            }

            // A dedicated thread may wait: the outbox is asynchronous for implementations that are.
            var ids = _outbox.AppendAsync(entries, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Item.OutboxId = ids[i];
            }

            foreach (var (_, durable) in group)
            {
                durable?.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            var failure = ex as BrazeException ?? new BrazeException("The Braze tracker could not store the item in its outbox; it was not accepted.", ex);
            foreach (var (_, durable) in group)
            {
                durable?.TrySetException(failure);
            }
        }
    }
}
