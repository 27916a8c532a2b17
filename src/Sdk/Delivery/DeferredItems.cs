namespace Braze.Delivery;

/// <summary>
/// Items waiting for their next attempt: one timer per deferred group (the items of one failed request), which puts
/// them back in the queue when it fires. A flush releases them all at once; a shutdown with an outbox drops the
/// timers (the rows keep the next attempt time for the next start).
/// </summary>
internal sealed class DeferredItems(TimeProvider time, Action<List<TrackedItem>> due)
{
    private readonly object _gate = new();
    private readonly HashSet<Group> _groups = [];

    /// <summary>Items waiting now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _groups.Sum(g => g.Items.Count);
            }
        }
    }

    /// <summary>Puts <paramref name="items"/> back in the queue after <paramref name="delay"/>.</summary>
    public void Schedule(List<TrackedItem> items, TimeSpan delay)
    {
        var group = new Group(items, this);
        lock (_gate)
        {
            _groups.Add(group);
        }

        var timer = time.CreateTimer(static state => ((Group)state!).Owner.Fire((Group)state!), group, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
        lock (_gate)
        {
            if (_groups.Contains(group))
            {
                group.Timer = timer;
                return;
            }
        }

        timer.Dispose(); // fired (or released) before it was stored
    }

    /// <summary>Puts every waiting item back in the queue now.</summary>
    public void ReleaseAll()
    {
        foreach (var group in TakeAll())
        {
            due(group.Items);
        }
    }

    /// <summary>Forgets every waiting item (they stay pending; the caller completes them).</summary>
    public void Clear() => TakeAll();

    private List<Group> TakeAll()
    {
        List<Group> groups;
        lock (_gate)
        {
            groups = [.. _groups];
            _groups.Clear();
        }

        foreach (var group in groups)
        {
            group.Timer?.Dispose();
        }

        return groups;
    }

    private void Fire(Group group)
    {
        lock (_gate)
        {
            if (!_groups.Remove(group))
            {
                return;
            }
        }

        group.Timer?.Dispose();
        due(group.Items);
    }

    private sealed class Group(List<TrackedItem> items, DeferredItems owner)
    {
        public List<TrackedItem> Items { get; } = items;

        public DeferredItems Owner { get; } = owner;

        public ITimer? Timer { get; set; }
    }
}
