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

    /// <summary>Queues every object of a request; one handle per object, in the request's order (attributes, events, purchases).</summary>
    IReadOnlyList<TrackHandle> Track(TrackRequest request);

    /// <summary>Queues an event, waiting asynchronously while the queue is full.</summary>
    ValueTask<TrackHandle> EnqueueAsync(TrackEvent trackEvent, CancellationToken cancellationToken = default);

    /// <summary>Queues a purchase, waiting asynchronously while the queue is full.</summary>
    ValueTask<TrackHandle> EnqueueAsync(Purchase purchase, CancellationToken cancellationToken = default);

    /// <summary>Queues an attributes object, waiting asynchronously while the queue is full.</summary>
    ValueTask<TrackHandle> EnqueueAsync(AttributesUpdate attributes, CancellationToken cancellationToken = default);

    /// <summary>Sends what is queued now and waits until every item queued before the call has completed (accepted or failed).</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Items accepted by the tracker and not yet completed.</summary>
    int PendingCount { get; }
}
