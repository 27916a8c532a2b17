namespace Braze;

/// <summary>
/// Background delivery to <c>/users/track</c>: items are validated on entry, batched to Braze's per-request limit
/// (or flushed after an interval), sent through <see cref="IBrazeClient"/>'s pipeline, and each item's handle
/// completes when Braze accepted it. Delivery is at-least-once: see <c>docs/delivery.md</c>.
/// </summary>
public interface IBrazeTracker
{
    /// <summary>Queues an event. Throws <see cref="BrazeValidationException"/> at once for an invalid event. Blocks while the queue is full (policy Wait).</summary>
    TrackHandle Track(TrackEvent trackEvent);

    /// <summary>Queues a purchase.</summary>
    TrackHandle Track(Purchase purchase);

    /// <summary>Queues an attributes object.</summary>
    TrackHandle Track(AttributesUpdate attributes);

    /// <summary>
    /// Queues every object of a request (or of a generated update builder, which converts to one), all or nothing: one
    /// handle per object, in the request's order (attributes, events, purchases). Blocks while the queue is full (policy Wait).
    /// </summary>
    IReadOnlyList<TrackHandle> Track(TrackRequest request);

    /// <summary>Queues an event, waiting asynchronously while the queue is full.</summary>
    ValueTask<TrackHandle> EnqueueAsync(TrackEvent trackEvent, CancellationToken cancellationToken = default);

    /// <summary>Queues a purchase, waiting asynchronously while the queue is full.</summary>
    ValueTask<TrackHandle> EnqueueAsync(Purchase purchase, CancellationToken cancellationToken = default);

    /// <summary>Queues an attributes object, waiting asynchronously while the queue is full.</summary>
    ValueTask<TrackHandle> EnqueueAsync(AttributesUpdate attributes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues every object of a request (or of a generated update builder), all or nothing, waiting asynchronously for
    /// room: when validation fails, the queue refuses (policy Fail), storing fails or <paramref name="cancellationToken"/>
    /// fires, none of them is queued.
    /// </summary>
    ValueTask<IReadOnlyList<TrackHandle>> EnqueueAsync(TrackRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends what is queued now, items waiting for a later attempt included, and returns once every item queued before
    /// the call had its attempt: delivered, rejected for good (its handle tells), or, when Braze still fails, deferred
    /// again (it stays pending; see <see cref="PendingCount"/>). A flush never waits out an outage; await a handle for that.
    /// </summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Items accepted by the tracker and not yet completed.</summary>
    int PendingCount { get; }

    /// <summary>
    /// Creates aliases (<see cref="IBrazeClient.CreateAliasesAsync"/>) in order with this tracker's items: it is sent
    /// once the items of those users queued before it completed, and their items queued after it wait until Braze
    /// answered it (a <c>/users/track</c> by an alias never lands before the alias exists). Returns how many Braze processed.
    /// </summary>
    Task<int> CreateAliasesAsync(IEnumerable<NewUserAlias> aliases, CancellationToken cancellationToken = default);

    /// <summary>Identifies anonymous profiles (<see cref="IBrazeClient.IdentifyUsersAsync"/>) in order with this tracker's items of those users, as <see cref="CreateAliasesAsync"/> is.</summary>
    Task<int> IdentifyUsersAsync(IEnumerable<UserIdentification> identifications, MergeBehavior mergeBehavior = MergeBehavior.Merge, CancellationToken cancellationToken = default);

    /// <summary>Renames external ids (<see cref="IBrazeClient.RenameExternalIdsAsync"/>) in order with this tracker's items of the old and the new ids.</summary>
    Task<ExternalIdsResult> RenameExternalIdsAsync(IEnumerable<ExternalIdRename> renames, CancellationToken cancellationToken = default);

    /// <summary>Merges profiles (<see cref="IBrazeClient.MergeUsersAsync"/>) in order with this tracker's items of both sides.</summary>
    Task MergeUsersAsync(IEnumerable<UserMerge> merges, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes users (<see cref="IBrazeClient.DeleteUsersAsync"/>): first purges their items not sent yet, in the queue
    /// and in the outbox (their handles fail with <see cref="BrazeDeliveryException"/>), waits for the ones in flight,
    /// then sends the deletion; their items queued after it wait until it was answered.
    /// </summary>
    Task<DeleteUsersResult> DeleteUsersAsync(IEnumerable<UserId> users, CancellationToken cancellationToken = default);
}
