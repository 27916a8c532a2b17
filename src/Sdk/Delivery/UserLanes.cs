using Braze.Sending;
using Braze.Transport;
using Microsoft.Extensions.Logging;

namespace Braze.Delivery;

/// <summary>
/// The tracker's causal order per user (<see cref="IUserOperationOrder"/>). A user has a lane only while an identity
/// operation involving them waits or runs; the lane holds, in sequence order, that operation, the later ones, and the
/// user's items accepted after it, which keep their queue places but wait here instead of in the queue. An operation
/// runs when it heads the lane of every user it involves and the users' earlier items completed (a deletion purges
/// them instead); when it ends, the items behind it go to the queue and the next operation may start. Lanes are
/// taken in one global sequence, so two operations never wait for each other. Without lanes (no operation pending)
/// an accepted item costs one volatile read here: traffic without identity operations is not serialized at all.
/// </summary>
internal sealed partial class UserLanes(CompletionLedger ledger, Func<long> nextSequence, Action<TrackedItem> enqueue, SemaphoreSlim claimGate, TimeProvider time, ILogger logger, BrazeMetrics? metrics)
    : IUserOperationOrder
{
    /// <summary>How often an operation looks again at what the outbox stores for its users that this process does not hold.</summary>
    internal static readonly TimeSpan StoredPoll = TimeSpan.FromMilliseconds(250);

    private readonly object _gate = new();
    private readonly Dictionary<UserId, List<object>> _lanes = [];
    private int _open;

    /// <summary>
    /// Called for an item about to be queued: true when it must wait behind an earlier operation of its user (it is
    /// then queued when that operation ends), false when it may go now.
    /// </summary>
    public bool TryHold(TrackedItem item)
    {
        if (Volatile.Read(ref _open) == 0 || item.User is not { } user)
        {
            return false;
        }

        lock (_gate)
        {
            if (!_lanes.TryGetValue(user, out var lane) || ((Operation)lane[0]).Sequence > item.Sequence)
            {
                return false; // no operation of the user, or every one came after the item: they wait for it
            }

            // In sequence order: behind the operations before it, ahead of the ones after it (which wait for it).
            var at = lane.Count;
            while (lane[at - 1] is Operation op && op.Sequence > item.Sequence)
            {
                at--;
            }

            lane.Insert(at, item);
            return true;
        }
    }

    /// <summary>
    /// Called for an item claimed from the outbox: true when a deletion of its user is running, in which case the item
    /// is purged (counted in that deletion's result) instead of sent; a claim must not slip an item past a deletion that
    /// is waiting for another instance to let go of the user's items.
    /// </summary>
    public bool PurgesOnClaim(TrackedItem item)
    {
        if (Volatile.Read(ref _open) == 0 || item.User is not { } user)
        {
            return false;
        }

        Operation? deletion;
        lock (_gate)
        {
            deletion = _lanes.TryGetValue(user, out var lane) && lane[0] is Operation { Purging: true } head ? head : null;
        }

        if (deletion is null || !item.TryPurge())
        {
            return false;
        }

        Interlocked.Increment(ref deletion.PurgedOnClaim);
        metrics?.Purged.Add(1);
        _ = ledger.WithdrawAsync([item], Purged());
        return true;
    }

    /// <summary>Items held behind an operation now (a flush does not wait for them: their attempt comes after it).</summary>
    public List<TrackedItem> Held()
    {
        lock (_gate)
        {
            return [.. _lanes.Values.SelectMany(l => l.OfType<TrackedItem>())];
        }
    }

    /// <inheritdoc />
    public async Task<int> RunAsync(IReadOnlyCollection<UserId> users, bool purge, Func<Task> send, CancellationToken cancellationToken)
    {
        var operation = Open(users);
        try
        {
            await operation.Ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            var purged = 0;
            if (purge)
            {
                operation.Purging = true;
                purged = await PurgeEarlierAsync(operation, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WaitForEarlierAsync(operation, cancellationToken).ConfigureAwait(false);
            }

            await send().ConfigureAwait(false);
            return purged + Volatile.Read(ref operation.PurgedOnClaim);
        }
        finally
        {
            Close(operation);
        }
    }

    /// <summary>Takes the operation's places in its users' lanes, in one global sequence.</summary>
    private Operation Open(IReadOnlyCollection<UserId> users)
    {
        lock (_gate)
        {
            var operation = new Operation(nextSequence(), users, time.GetUtcNow());
            foreach (var user in users)
            {
                if (_lanes.TryGetValue(user, out var lane))
                {
                    lane.Add(operation);
                    operation.Blocked++;
                }
                else
                {
                    _lanes[user] = [operation];
                    Interlocked.Increment(ref _open);
                }
            }

            if (operation.Blocked == 0)
            {
                operation.Ready.TrySetResult();
            }

            return operation;
        }
    }

    /// <summary>The operation ended (or was cancelled while waiting): the items behind it are queued, and the next operations may start.</summary>
    private void Close(Operation operation)
    {
        var released = new List<TrackedItem>();
        lock (_gate)
        {
            foreach (var user in operation.Users)
            {
                var lane = _lanes[user];
                var at = lane.IndexOf(operation);
                lane.RemoveAt(at);
                if (at > 0)
                {
                    continue; // cancelled before it headed this lane: nothing behind it changes
                }

                var items = 0;
                while (items < lane.Count && lane[items] is TrackedItem item)
                {
                    released.Add(item);
                    items++;
                }

                lane.RemoveRange(0, items);
                if (lane.Count == 0)
                {
                    _lanes.Remove(user);
                    Interlocked.Decrement(ref _open);
                }
                else if (--((Operation)lane[0]).Blocked == 0)
                {
                    ((Operation)lane[0]).Ready.TrySetResult();
                }
            }
        }

        foreach (var item in released)
        {
            enqueue(item);
        }
    }

    /// <summary>The users' items accepted before the operation (or claimed from the outbox, stored before it) that are not completed yet.</summary>
    private List<TrackedItem> Earlier(Operation operation)
        => ledger.Collect(item => (item.Sequence < operation.Sequence || item.FromOutbox) && item.User is { } user && operation.Users.Contains(user));

    /// <summary>
    /// Waits until every earlier item of the users completed, delivered or not (a dead-lettered item does not block its
    /// user for good): the ones this tracker holds, and the ones its outbox stores that it does not hold (an earlier
    /// run's, not claimed yet, or another fleet instance's), looked at again every <see cref="StoredPoll"/>.
    /// </summary>
    private async Task WaitForEarlierAsync(Operation operation, CancellationToken cancellationToken)
    {
        while (true)
        {
            var earlier = Earlier(operation);
            if (earlier.Count > 0)
            {
                await Task.WhenAll(earlier.Select(i => i.GetTask())).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
                continue; // look again: a claim may have brought an earlier stored one here meanwhile
            }

            if (await StoredElsewhereAsync(operation, cancellationToken).ConfigureAwait(false) == 0)
            {
                return;
            }

            await Task.Delay(StoredPoll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Earlier items of the users the outbox stores and this process does not hold (0 without an outbox).</summary>
    private async Task<long> StoredElsewhereAsync(Operation operation, CancellationToken cancellationToken)
        => ledger.Outbox is { } outbox
            ? await outbox.CountNotHeldAsync(operation.Keys, operation.StartedAt, cancellationToken).ConfigureAwait(false)
            : 0;

    /// <summary>
    /// Purges what the outbox stores for the users and no tracker holds, then every earlier item of theirs this
    /// tracker holds that no request carries; waits for the ones in flight (and purges those a failed request gave
    /// back), and for the ones another fleet instance holds (purging them once that instance lets them go). Returns
    /// how many. The outbox goes first, while no claim is in progress, so that a row of theirs is either purged there
    /// or already an item here.
    /// </summary>
    private async Task<int> PurgeEarlierAsync(Operation operation, CancellationToken cancellationToken)
    {
        var purged = 0;
        while (true)
        {
            List<TrackedItem> earlier;
            await claimGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (ledger.Outbox is { } outbox)
                {
                    purged += await outbox.PurgeAsync(operation.Keys, cancellationToken).ConfigureAwait(false);
                }

                earlier = Earlier(operation);
            }
            finally
            {
                claimGate.Release();
            }

            if (earlier.Count > 0)
            {
                var taken = earlier.Where(i => i.TryPurge()).ToHashSet();
                if (taken.Count > 0)
                {
                    await ledger.WithdrawAsync([.. taken], Purged()).ConfigureAwait(false);
                    purged += taken.Count;
                }

                var inFlight = earlier.Where(i => !i.IsCompleted && !taken.Contains(i)).Select(i => i.GetAttemptTask()).ToList();
                if (inFlight.Count > 0)
                {
                    await Task.WhenAll(inFlight).WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (await StoredElsewhereAsync(operation, cancellationToken).ConfigureAwait(false) == 0)
            {
                break;
            }

            await Task.Delay(StoredPoll, time, cancellationToken).ConfigureAwait(false); // another instance is sending them
        }

        if (purged > 0)
        {
            metrics?.Purged.Add(purged);
            LogPurged(logger, purged, operation.Users.Count);
        }

        return purged;
    }

    private static BrazeDeliveryException Purged() => new("The item's user was deleted before it was sent: it was purged, so that it does not create the profile again.");

    [LoggerMessage(31, LogLevel.Information, "The Braze tracker purged {Count} unsent item(s) of {Users} user(s) being deleted")]
    private static partial void LogPurged(ILogger logger, int count, int users);

    private sealed class Operation(long sequence, IReadOnlyCollection<UserId> users, DateTimeOffset startedAt)
    {
        public long Sequence { get; } = sequence;

        public IReadOnlyCollection<UserId> Users { get; } = users;

        /// <summary>The users' keys, as the outbox stores them.</summary>
        public string[] Keys { get; } = [.. users.Select(u => u.Key)];

        /// <summary>When it was opened: the stored items accepted before it come first.</summary>
        public DateTimeOffset StartedAt { get; } = startedAt;

        /// <summary>A deletion that is running: items of its users claimed meanwhile are purged.</summary>
        public volatile bool Purging;

        /// <summary>Items purged as they were claimed while it ran.</summary>
        public int PurgedOnClaim;

        /// <summary>How many of its lanes it does not head yet.</summary>
        public int Blocked { get; set; }

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
