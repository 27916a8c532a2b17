using System.Runtime.CompilerServices;

namespace Braze;

/// <summary>
/// The fate of one tracked item: <see cref="Completion"/> completes when Braze accepted it, or fails with the reason
/// (<see cref="BrazeDeliveryException"/>). Awaiting the handle awaits <see cref="Completion"/>; ignoring it is fine
/// and costs nothing: the task is only created when someone asks for it.
/// </summary>
public readonly struct TrackHandle : IEquatable<TrackHandle>
{
    private readonly TrackedItem? _item;

    internal TrackHandle(TrackedItem item) => _item = item;

    /// <summary>Completes when Braze accepted the item; faults with <see cref="BrazeDeliveryException"/> otherwise.</summary>
    public Task Completion => _item?.GetTask() ?? Task.CompletedTask;

    /// <summary>True once Braze accepted the item or it failed (without creating <see cref="Completion"/>).</summary>
    public bool IsCompleted => _item is null || _item.IsCompleted;

    /// <summary>Lets <c>await tracker.Track(...)</c> wait for delivery.</summary>
    public TaskAwaiter GetAwaiter() => Completion.GetAwaiter();

    /// <inheritdoc />
    public bool Equals(TrackHandle other) => ReferenceEquals(_item, other._item);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TrackHandle other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _item is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_item);

    /// <summary>Same item.</summary>
    public static bool operator ==(TrackHandle left, TrackHandle right) => left.Equals(right);

    /// <summary>Different items.</summary>
    public static bool operator !=(TrackHandle left, TrackHandle right) => !left.Equals(right);
}

/// <summary>
/// One accepted item: its serialized payload, its place in the pending set (an intrusive list, so tracking it
/// allocates nothing more) and its completion, whose task is created only when a caller asks for it.
/// </summary>
internal sealed class TrackedItem(long sequence, int kind, byte[] payload)
{
    private const int Pending = 0, Delivered = 1, Failed = 2;
    private int _state;
    private Exception? _error;
    private TaskCompletionSource? _completion;

    public long Sequence { get; } = sequence;

    public int Kind { get; } = kind;

    public byte[] Payload { get; } = payload;

    public long OutboxId { get; set; }

    // Links of the pending set, guarded by its lock.
    internal TrackedItem? Previous;
    internal TrackedItem? Next;
    internal bool Listed;

    public bool IsCompleted => Volatile.Read(ref _state) != Pending;

    /// <summary>Completes the item (once; the pending set decides who completes it).</summary>
    public void Finish(Exception? error)
    {
        _error = error;
        Interlocked.Exchange(ref _state, error is null ? Delivered : Failed);
        if (Volatile.Read(ref _completion) is { } completion)
        {
            Signal(completion);
        }
    }

    /// <summary>The completion task, created on first use.</summary>
    public Task GetTask()
    {
        if (Volatile.Read(ref _state) == Delivered)
        {
            return Task.CompletedTask;
        }

        var completion = Volatile.Read(ref _completion);
        if (completion is null)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            completion = Interlocked.CompareExchange(ref _completion, created, null) ?? created;
        }

        // Finish publishes the state before it reads the completion, and this publishes the completion before it
        // reads the state: whichever runs second signals (both may; TrySet is idempotent).
        if (Volatile.Read(ref _state) != Pending)
        {
            Signal(completion);
        }

        return completion.Task;
    }

    private void Signal(TaskCompletionSource completion)
    {
        if (Volatile.Read(ref _state) == Delivered)
        {
            completion.TrySetResult();
        }
        else
        {
            completion.TrySetException(_error!);
        }
    }
}

/// <summary>The items accepted and not yet completed: an intrusive doubly-linked list under one lock.</summary>
internal sealed class PendingItems
{
    private readonly object _gate = new();
    private TrackedItem? _head;
    private int _count;

    public int Count => Volatile.Read(ref _count);

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
    }

    /// <summary>Removes the item; false when it was not (or no longer) pending.</summary>
    public bool Remove(TrackedItem item)
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
            return true;
        }
    }

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
}
