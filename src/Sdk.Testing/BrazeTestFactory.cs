using Braze.Delivery;

namespace Braze.Testing;

/// <summary>
/// Values a mocked <see cref="IBrazeClient"/> or <see cref="IBrazeTracker"/> returns (their constructors are the SDK's
/// own): results of <c>TrackAsync</c> and handles of <c>Track</c>, delivered, failed, or completed later by the test.
/// </summary>
public static class BrazeTestFactory
{
    /// <summary>A <see cref="Braze.TrackResult"/> as <c>TrackAsync</c> returns it: what Braze processed, its minor errors and whole-request failures.</summary>
    public static TrackResult TrackResult(int attributesProcessed = 0, int eventsProcessed = 0, int purchasesProcessed = 0, int requestCount = 1, IReadOnlyList<TrackError>? errors = null, IReadOnlyList<TrackFailure>? failures = null, IReadOnlyList<ValidationError>? warnings = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attributesProcessed);
        ArgumentOutOfRangeException.ThrowIfNegative(eventsProcessed);
        ArgumentOutOfRangeException.ThrowIfNegative(purchasesProcessed);
        ArgumentOutOfRangeException.ThrowIfNegative(requestCount);
        return new TrackResult(attributesProcessed, eventsProcessed, purchasesProcessed, requestCount, errors ?? [], failures ?? [], warnings);
    }

    /// <summary>A handle of an item Braze accepted.</summary>
    public static TrackHandle DeliveredHandle() => default;

    /// <summary>A handle of an item that failed with <paramref name="error"/> (for example a <see cref="BrazeDeliveryException"/>).</summary>
    public static TrackHandle FailedHandle(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var item = NewItem();
        item.Finish(error);
        return new TrackHandle(item);
    }

    /// <summary>A handle the test completes when it chooses (<see cref="PendingTrackHandle.Deliver"/>, <see cref="PendingTrackHandle.Fail"/>).</summary>
    public static PendingTrackHandle PendingHandle() => new(NewItem());

    private static TrackedItem NewItem() => new(0, TrackArray.Events, [], DateTimeOffset.UtcNow);
}

/// <summary>A <see cref="TrackHandle"/> that completes when the test says.</summary>
public sealed class PendingTrackHandle
{
    private readonly TrackedItem _item;
    private int _done;

    internal PendingTrackHandle(TrackedItem item)
    {
        _item = item;
        Handle = new TrackHandle(item);
    }

    /// <summary>The handle to return from a mocked <c>Track</c> or <c>EnqueueAsync</c>.</summary>
    public TrackHandle Handle { get; }

    /// <summary>Completes the handle as delivered.</summary>
    public void Deliver() => Complete(null);

    /// <summary>Fails the handle with <paramref name="error"/>.</summary>
    public void Fail(Exception error) => Complete(error ?? throw new ArgumentNullException(nameof(error)));

    private void Complete(Exception? error)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            throw new InvalidOperationException("The handle is completed already.");
        }

        _item.Finish(error);
    }
}
