using System.Runtime.CompilerServices;

namespace Braze.Delivery;

/// <summary>
/// The fate of one tracked item: <see cref="Completion"/> completes when Braze accepted it, or fails with the reason
/// (<see cref="BrazeDeliveryException"/>). Awaiting the handle awaits <see cref="Completion"/>; ignoring it is fine.
/// </summary>
public sealed class TrackHandle
{
    internal TrackHandle(Task completion) => Completion = completion;

    /// <summary>Completes when Braze accepted the item; faults with <see cref="BrazeDeliveryException"/> otherwise.</summary>
    public Task Completion { get; }

    /// <summary>Lets <c>await tracker.Track(...)</c> wait for delivery.</summary>
    public TaskAwaiter GetAwaiter() => Completion.GetAwaiter();
}

/// <summary>An item could not be delivered: Braze rejected it, its request failed after the retries, or the tracker stopped first.</summary>
public sealed class BrazeDeliveryException : BrazeException
{
    /// <summary>Creates the exception.</summary>
    public BrazeDeliveryException(string message, Exception? innerException = null, bool keptInOutbox = false)
        : base(message, innerException!)
    {
        KeptInOutbox = keptInOutbox;
    }

    /// <summary>Creates the exception.</summary>
    public BrazeDeliveryException()
        : this("The item was not delivered.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public BrazeDeliveryException(string message)
        : this(message, null, false)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BrazeDeliveryException(string message, Exception innerException)
        : this(message, innerException, false)
    {
    }

    /// <summary>True when the item is still stored in the outbox and will be sent on the next start.</summary>
    public bool KeptInOutbox { get; }
}

/// <summary>The tracker's queue is full and its policy is <see cref="QueueOverflowPolicy.Fail"/>.</summary>
public sealed class BrazeQueueFullException : BrazeException
{
    /// <summary>Creates the exception.</summary>
    public BrazeQueueFullException()
        : base("The Braze tracker queue is full; the item was not accepted.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public BrazeQueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BrazeQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
