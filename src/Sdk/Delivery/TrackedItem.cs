namespace Braze.Delivery;

/// <summary>
/// One accepted item: its serialized payload and user, its place in the pending set (an intrusive list, so tracking it
/// allocates nothing more), its failed attempts, whether a request is carrying it now, and its completion, whose task
/// is created only when a caller asks for it.
/// </summary>
internal sealed class TrackedItem(long sequence, TrackArray array, byte[] payload, DateTimeOffset enqueuedAt, UserId? user = null)
{
    private const int Pending = 0, Delivered = 1, Failed = 2;
    private const int Waiting = 0, Sending = 1, Purged = 2;
    private int _state;
    private int _dispatch;
    private Exception? _error;
    private TaskCompletionSource? _completion;
    private TaskCompletionSource? _attemptEnded;

    public long Sequence { get; } = sequence;

    /// <summary>The array of the <c>/users/track</c> body the item goes in.</summary>
    public TrackArray Array { get; } = array;

    public byte[] Payload { get; } = payload;

    /// <summary>The user it is for (what keeps it in order with that user's identity operations); null when unknown.</summary>
    public UserId? User { get; } = user;

    public long OutboxId { get; set; }

    /// <summary>The span the caller was in when it tracked the item (only while someone listens to the SDK's traces): its batch's span links to it.</summary>
    public System.Diagnostics.Activity? Caller { get; init; }

    /// <summary>Claimed from the outbox (stored by an earlier run or another instance): older than any identity operation of this run.</summary>
    public bool FromOutbox { get; init; }

    /// <summary>When the tracker first accepted it (kept across restarts by the outbox): its age decides the dead letter.</summary>
    public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;

    /// <summary>Failed attempts so far (a request that failed for a reason that was not this item's).</summary>
    public int Attempts { get; set; }

    /// <summary>True while the item holds one of the queue's places (from acceptance to completion).</summary>
    public bool HoldsPlace { get; set; }

    // Links of the completion ledger's pending list, guarded by its lock.
    internal TrackedItem? Previous;
    internal TrackedItem? Next;
    internal bool Listed;
    internal bool Claimed;

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

        EndAttempt();
    }

    /// <summary>
    /// A task that completes when the current attempt ends, delivered, failed or deferred to a later attempt: what a
    /// flush waits for, so it returns once every item had its try even when Braze is down.
    /// </summary>
    public Task GetAttemptTask()
    {
        if (IsCompleted)
        {
            return Task.CompletedTask;
        }

        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempt = Interlocked.CompareExchange(ref _attemptEnded, created, null) ?? created;
        // Same handshake as the completion below: Finish publishes the state before it takes the signal.
        if (IsCompleted)
        {
            attempt.TrySetResult();
        }

        return attempt.Task;
    }

    /// <summary>
    /// The current attempt ended without completing the item (it is deferred, or held): it waits again (a deletion of
    /// its user may purge it now), and the flushes waiting for the attempt are woken.
    /// </summary>
    public void EndAttempt()
    {
        Interlocked.CompareExchange(ref _dispatch, Waiting, Sending);
        Interlocked.Exchange(ref _attemptEnded, null)?.TrySetResult();
    }

    /// <summary>A request takes the item; false only when a deletion of its user purged it while it waited in the queue (it is dropped).</summary>
    public bool TryTakeForSending() => Interlocked.CompareExchange(ref _dispatch, Sending, Waiting) != Purged;

    /// <summary>A deletion of its user takes the item before any request does; false while a request carries it.</summary>
    public bool TryPurge() => Interlocked.CompareExchange(ref _dispatch, Purged, Waiting) == Waiting;

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
