using System.Runtime.CompilerServices;
using Braze.Delivery;

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

    /// <summary>
    /// Waits for <see cref="Completion"/> until <paramref name="cancellationToken"/> fires: bounds the caller's wait, never
    /// the item's delivery (a cancelled wait leaves the item queued).
    /// </summary>
    public Task WaitAsync(CancellationToken cancellationToken) => Completion.WaitAsync(cancellationToken);

    /// <summary>Waits for <see cref="Completion"/> at most <paramref name="timeout"/> (<see cref="TimeoutException"/> after it); the item stays queued.</summary>
    public Task WaitAsync(TimeSpan timeout) => Completion.WaitAsync(timeout);

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
