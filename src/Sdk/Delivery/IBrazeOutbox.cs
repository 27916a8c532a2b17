namespace Braze;

/// <summary>
/// The background tracker's durable store: every item it accepted and has not finished, so that a crash, a kill, a
/// deploy or an outage of any length loses nothing. An item is appended before its <c>Track</c> or
/// <c>EnqueueAsync</c> returns and leaves only when Braze accepted it (<see cref="CompleteAsync"/>) or rejected it for
/// good, or it stayed undelivered past <see cref="BrazeTrackerOptions.DeadLetterAfter"/>
/// (<see cref="DeadLetterAsync"/>: kept with the reason, inspectable and replayable). Between attempts it is deferred
/// with its next attempt time (<see cref="DeferAsync"/>), so a restart goes on where the run stopped.
/// </summary>
/// <remarks>
/// <c>Braze.Sdk.Outbox.Sqlite</c> implements it for one process (one file, WAL). The tracker calls it from several
/// threads; an implementation serializes what it must. Register one per workspace as a keyed service
/// (<c>services.AddKeyedSingleton&lt;IBrazeOutbox&gt;(workspaceName, ...)</c>, the empty name for the default one).
/// </remarks>
public interface IBrazeOutbox : IAsyncDisposable
{
    /// <summary>Stores <paramref name="entries"/> durably in one write; returns their ids, in order, once they are durable.</summary>
    ValueTask<long[]> AppendAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="max"/> stored items this process does not hold yet (left by an earlier run, or replayed from
    /// the dead letters), oldest first; from now on this process holds them. Items appended by this process are held
    /// from the start. An item whose <see cref="OutboxItem.NextAttemptAt"/> is later is held back by the tracker until then.
    /// </summary>
    ValueTask<IReadOnlyList<OutboxItem>> ClaimAsync(int max, CancellationToken cancellationToken);

    /// <summary>Removes items Braze accepted.</summary>
    ValueTask CompleteAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken);

    /// <summary>Counts one more failed attempt for each item and stores when the next one is due and why this one failed.</summary>
    ValueTask DeferAsync(IReadOnlyList<long> ids, DateTimeOffset nextAttemptAt, string reason, CancellationToken cancellationToken);

    /// <summary>Moves items to the dead letters, with the reason: Braze rejected them for good, or they stayed undelivered too long.</summary>
    ValueTask DeadLetterAsync(IReadOnlyList<long> ids, string reason, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> dead letters, oldest first.</summary>
    ValueTask<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int max, CancellationToken cancellationToken);

    /// <summary>Moves dead letters back into the outbox as new items (the running tracker claims and sends them); returns how many moved.</summary>
    ValueTask<int> ReplayDeadLettersAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken);

    /// <summary>How many items are stored, the oldest one's age, and how many dead letters there are.</summary>
    ValueTask<OutboxStats> GetStatsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes the stored items of the users <paramref name="userKeys"/> names (<see cref="OutboxEntry.UserKey"/>) that
    /// no tracker holds now: left by an earlier run, replayed from the dead letters, or (in a fleet) whose lease
    /// expired; and every dead letter of those users, so that a deleted user's data is not kept there either. Returns
    /// how many it removed, items and dead letters together. The tracker calls it when it deletes a user, after it
    /// purged the items it holds itself: sent after the deletion, they would create the profile again. Items and dead
    /// letters stored without a user key are never removed.
    /// </summary>
    ValueTask<int> PurgeAsync(IReadOnlyList<string> userKeys, CancellationToken cancellationToken);

    /// <summary>
    /// How many stored items of the users <paramref name="userKeys"/> names, accepted before
    /// <paramref name="acceptedBefore"/>, this process does not hold: left by an earlier run and not claimed yet, or (in a
    /// fleet) held by another instance. An identity operation on those users waits until none is left, so that it lands
    /// after every item accepted before it, wherever it was accepted. Items stored without a user key are not counted.
    /// </summary>
    ValueTask<long> CountNotHeldAsync(IReadOnlyList<string> userKeys, DateTimeOffset acceptedBefore, CancellationToken cancellationToken);
}

/// <summary>An item to store: the array of <c>/users/track</c> it goes in, the JSON object it is sent as, and whose it is.</summary>
public sealed class OutboxEntry(TrackArray array, ReadOnlyMemory<byte> payload, DateTimeOffset enqueuedAt, string? userKey = null)
{
    /// <summary>The array of the request body.</summary>
    public TrackArray Array { get; } = array;

    /// <summary>The object, UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Payload { get; } = payload;

    /// <summary>When the tracker accepted it.</summary>
    public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;

    /// <summary>
    /// The user the object is for (<see cref="UserId.Key"/>), stored beside it so that
    /// <see cref="IBrazeOutbox.PurgeAsync"/> finds a deleted user's items and a claim can keep one user's items in
    /// order; null when unknown.
    /// </summary>
    public string? UserKey { get; } = userKey;

    /// <summary>
    /// The entries an outbox stores for <paramref name="request"/>, checked exactly as the tracker checks what it
    /// accepts (every rule, and each object's size within one request): for an outbox that enqueues outside the
    /// tracker, in the caller's own database transaction. Throws <see cref="BrazeValidationException"/> with every
    /// error when one object is invalid, and returns nothing then.
    /// </summary>
    public static IReadOnlyList<OutboxEntry> From(TrackRequest request, BrazeValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= new BrazeValidationOptions();
        request.Validate(options).ThrowIfInvalid();
        var admission = new Delivery.TrackAdmission(options, metrics: null, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var now = DateTimeOffset.UtcNow;
        var entries = new List<OutboxEntry>(request.Count);
        entries.AddRange(request.Attributes.Select(a => new OutboxEntry(TrackArray.Attributes, admission.Admit(a), now, a.User?.Key)));
        entries.AddRange(request.Events.Select(e => new OutboxEntry(TrackArray.Events, admission.Admit(e), now, e.User?.Key)));
        entries.AddRange(request.Purchases.Select(p => new OutboxEntry(TrackArray.Purchases, admission.Admit(p), now, p.User?.Key)));
        return entries;
    }
}

/// <summary>A stored item.</summary>
public sealed class OutboxItem(long id, TrackArray array, byte[] payload, DateTimeOffset enqueuedAt, int attempts, DateTimeOffset? nextAttemptAt, string? userKey = null)
{
    /// <summary>Its id in the outbox.</summary>
    public long Id { get; } = id;

    /// <summary>The array of the request body.</summary>
    public TrackArray Array { get; } = array;

    /// <summary>The object, UTF-8 JSON.</summary>
    public byte[] Payload { get; } = payload ?? throw new ArgumentNullException(nameof(payload));

    /// <summary>When the tracker first accepted it.</summary>
    public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;

    /// <summary>Failed attempts so far.</summary>
    public int Attempts { get; } = attempts;

    /// <summary>When the next attempt is due (null: at once).</summary>
    public DateTimeOffset? NextAttemptAt { get; } = nextAttemptAt;

    /// <summary>The user it is for, as stored (<see cref="OutboxEntry.UserKey"/>); null when unknown.</summary>
    public string? UserKey { get; } = userKey;
}

/// <summary>An item the tracker gave up on, with the reason.</summary>
public sealed class DeadLetter(long id, TrackArray? array, byte[] payload, DateTimeOffset enqueuedAt, DateTimeOffset deadLetteredAt, string reason)
{
    /// <summary>Its id among the dead letters (pass it to <see cref="IBrazeOutbox.ReplayDeadLettersAsync"/>).</summary>
    public long Id { get; } = id;

    /// <summary>The array of the request body (null when the stored row named none the SDK knows).</summary>
    public TrackArray? Array { get; } = array;

    /// <summary>The object as it was stored.</summary>
    public byte[] Payload { get; } = payload ?? throw new ArgumentNullException(nameof(payload));

    /// <summary>When the tracker accepted it.</summary>
    public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;

    /// <summary>When it was given up.</summary>
    public DateTimeOffset DeadLetteredAt { get; } = deadLetteredAt;

    /// <summary>Braze's message, or why the item could not be sent.</summary>
    public string Reason { get; } = reason ?? throw new ArgumentNullException(nameof(reason));
}

/// <summary>The outbox at a glance.</summary>
public sealed class OutboxStats(long count, DateTimeOffset? oldestEnqueuedAt, long deadLetters)
{
    /// <summary>Items stored (not dead letters).</summary>
    public long Count { get; } = count;

    /// <summary>When the oldest stored item was accepted (null when empty).</summary>
    public DateTimeOffset? OldestEnqueuedAt { get; } = oldestEnqueuedAt;

    /// <summary>Dead letters kept.</summary>
    public long DeadLetters { get; } = deadLetters;
}
