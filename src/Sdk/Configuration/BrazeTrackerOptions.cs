namespace Braze;

/// <summary>What the background tracker does when its queue is full.</summary>
public enum QueueOverflowPolicy
{
    /// <summary>Wait for room (default): <c>EnqueueAsync</c> awaits, <c>Track</c> blocks the calling thread.</summary>
    Wait = 0,

    /// <summary>Fail the enqueue at once with <see cref="BrazeQueueFullException"/>; nothing is dropped silently.</summary>
    Fail = 1,
}

/// <summary>Settings of the background tracker (<c>Braze:Tracker</c> in configuration).</summary>
public sealed class BrazeTrackerOptions
{
    /// <summary>Most objects waiting in memory. Default 100,000.</summary>
    public int MaxQueueSize { get; set; } = 100_000;

    /// <summary>
    /// While a request of this workspace is in flight, a partial batch waits for more items at most this long (it goes
    /// earlier when it fills or the request completes). Default 1 second. When nothing is in flight a batch goes at once
    /// (after <see cref="Linger"/>): batching happens only while the pipe is busy.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a partial batch waits for more items when no request is in flight (Nagle's rule: batch only while the
    /// pipe is busy). Default zero: an idle tracker sends at once, so an awaited handle costs about one request. Under
    /// full load (the last batch was full) a partial batch waits up to 100 ms anyway, so that requests of a few items do
    /// not spend Braze's rate limit. A linger of a few milliseconds gives fuller batches to producers that come in
    /// bursts, at that cost in latency (docs/benchmarks.md has both measured).
    /// </summary>
    public TimeSpan Linger { get; set; }

    /// <summary>What happens when the queue is full. Default <see cref="QueueOverflowPolicy.Wait"/>.</summary>
    public QueueOverflowPolicy OverflowPolicy { get; set; } = QueueOverflowPolicy.Wait;

    /// <summary>How long host shutdown (and disposal) may take to deliver what is queued. Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an item waits before its next attempt after its request failed for a reason that is not the item's
    /// (no answer, 5xx, 408, 429, 401, 403, retries exhausted). Doubles with each failed attempt, with jitter, up to
    /// <see cref="MaxRedeliveryDelay"/>. Default 5 seconds.
    /// </summary>
    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two attempts of an item. Default 5 minutes.</summary>
    public TimeSpan MaxRedeliveryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long an item may stay undelivered before the tracker gives up on it: it then goes to the outbox's dead
    /// letters with the last reason (or, without an outbox, its handle fails and the dead-lettered metric counts it).
    /// Default 7 days.
    /// </summary>
    public TimeSpan DeadLetterAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How often the tracker looks in its outbox for items it does not hold yet (left by an earlier run, replayed dead
    /// letters, or, with a shared outbox, items another instance held past its lease). Default 30 seconds.
    /// </summary>
    public TimeSpan OutboxClaimInterval { get; set; } = TimeSpan.FromSeconds(30);
}
