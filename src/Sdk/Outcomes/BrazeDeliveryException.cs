namespace Braze;

/// <summary>An item could not be delivered: Braze rejected it, its request failed after the retries, or the tracker stopped first.</summary>
public sealed class BrazeDeliveryException : BrazeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened to the item.</param>
    /// <param name="innerException">The failure of the request that held it, when there was one.</param>
    /// <param name="keptInOutbox">Whether the item is still stored in the outbox.</param>
    public BrazeDeliveryException(string message, Exception? innerException = null, bool keptInOutbox = false)
        : base(message, innerException)
    {
        KeptInOutbox = keptInOutbox;
    }

    /// <summary>True when the item is still stored in the outbox and will be sent on the next start.</summary>
    public bool KeptInOutbox { get; }

    /// <summary>True when the request that held the item may have been applied (see <see cref="BrazeException.IsOutcomeUnknown"/>).</summary>
    public override bool IsOutcomeUnknown => InnerException is BrazeException { IsOutcomeUnknown: true };
}

/// <summary>The tracker's queue is full and its policy is <see cref="QueueOverflowPolicy.Fail"/>; the item was not accepted.</summary>
public sealed class BrazeQueueFullException : BrazeException
{
    /// <summary>Creates the exception.</summary>
    public BrazeQueueFullException()
        : base("The Braze tracker queue is full; the item was not accepted.")
    {
    }
}
