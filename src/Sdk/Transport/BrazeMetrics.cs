using System.Diagnostics.Metrics;

namespace Braze.Transport;

/// <summary>
/// The SDK's metrics (meter <c>Braze.Sdk</c>): requests, objects sent and rejected, retries, 429s, request
/// duration, and the background tracker's queue depth.
/// </summary>
internal sealed class BrazeMetrics : IDisposable
{
    /// <summary>The meter name to subscribe to (for example with OpenTelemetry's <c>AddMeter("Braze.Sdk")</c>).</summary>
    public const string MeterName = "Braze.Sdk";

    private readonly Meter _meter;
    private long _queueDepth;
    private int _paused;
    private Func<(long Count, DateTimeOffset? Oldest, long DeadLetters)?>[] _outboxStats = [];

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (or a private meter when null).</summary>
    public BrazeMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Requests = _meter.CreateCounter<long>("braze.requests", "{request}", "HTTP requests sent to Braze, tagged by endpoint and status.");
        ObjectsSent = _meter.CreateCounter<long>("braze.objects.sent", "{object}", "Attributes, events and purchases accepted by Braze.");
        ObjectsRejected = _meter.CreateCounter<long>("braze.objects.rejected", "{object}", "Objects rejected by validation or by Braze.");
        Retries = _meter.CreateCounter<long>("braze.retries", "{retry}", "Retried requests.");
        RateLimited = _meter.CreateCounter<long>("braze.rate_limited", "{response}", "429 answers from Braze.");
        Duration = _meter.CreateHistogram<double>("braze.request.duration", "s", "Duration of one HTTP attempt.");
        ObjectsDropped = _meter.CreateCounter<long>("braze.objects.dropped", "{object}", "Objects the tracker gave up on (only with a dropping overflow policy or at a shutdown without outbox).");
        _meter.CreateObservableGauge("braze.queue.depth", () => Interlocked.Read(ref _queueDepth), "{object}", "Objects waiting in the background tracker.");
        Deferred = _meter.CreateCounter<long>("braze.objects.deferred", "{object}", "Objects whose request failed for a reason not theirs (no answer, 5xx, 408, 429, 401, 403) and that wait for a later attempt.");
        DeadLettered = _meter.CreateCounter<long>("braze.objects.dead_lettered", "{object}", "Objects the tracker gave up on: rejected by Braze for good, or undelivered past DeadLetterAfter.");
        Purged = _meter.CreateCounter<long>("braze.objects.purged", "{object}", "Objects purged unsent because their user was deleted (queued, or stored in the outbox).");
        _meter.CreateObservableGauge("braze.delivery.paused", () => Volatile.Read(ref _paused), "{state}", "1 while delivery is paused because Braze answered 401 or 403, else 0.");
        _meter.CreateObservableGauge("braze.outbox.depth", () => OutboxStats()?.Count ?? 0, "{object}", "Objects stored in the tracker's outbox (0 without one).");
        _meter.CreateObservableGauge("braze.outbox.oldest_age", () => OutboxStats() is { OldestEnqueuedAt: { } oldest } ? Math.Max(0, (DateTimeOffset.UtcNow - oldest).TotalSeconds) : 0, "s", "Age of the oldest object in the tracker's outbox.");
        _meter.CreateObservableGauge("braze.outbox.dead_letters", () => OutboxStats()?.DeadLetters ?? 0, "{object}", "Dead letters kept in the tracker's outbox.");
    }

    /// <summary>HTTP requests.</summary>
    public Counter<long> Requests { get; }

    /// <summary>Objects accepted.</summary>
    public Counter<long> ObjectsSent { get; }

    /// <summary>Objects rejected.</summary>
    public Counter<long> ObjectsRejected { get; }

    /// <summary>Retries.</summary>
    public Counter<long> Retries { get; }

    /// <summary>429 answers.</summary>
    public Counter<long> RateLimited { get; }

    /// <summary>Attempt duration.</summary>
    public Histogram<double> Duration { get; }

    /// <summary>Objects dropped by the tracker.</summary>
    public Counter<long> ObjectsDropped { get; }

    /// <summary>Objects deferred to a later attempt.</summary>
    public Counter<long> Deferred { get; }

    /// <summary>Objects given up on.</summary>
    public Counter<long> DeadLettered { get; }

    /// <summary>Objects purged because their user was deleted.</summary>
    public Counter<long> Purged { get; }

    /// <summary>Sets the paused gauge.</summary>
    public void SetPaused(bool paused) => Volatile.Write(ref _paused, paused ? 1 : 0);

    /// <summary>Adds a source of the outbox gauges (a tracker's last known outbox statistics; several workspaces add up).</summary>
    public void ObserveOutbox(Func<(long Count, DateTimeOffset? Oldest, long DeadLetters)?> stats)
    {
        Func<(long Count, DateTimeOffset? Oldest, long DeadLetters)?>[] current, next;
        do
        {
            current = Volatile.Read(ref _outboxStats);
            next = [.. current, stats];
        }
        while (Interlocked.CompareExchange(ref _outboxStats, next, current) != current);
    }

    private (long Count, DateTimeOffset? OldestEnqueuedAt, long DeadLetters)? OutboxStats()
    {
        (long Count, DateTimeOffset? OldestEnqueuedAt, long DeadLetters)? total = null;
        foreach (var source in Volatile.Read(ref _outboxStats))
        {
            if (source() is { } s)
            {
                total = total is { } t
                    ? (t.Count + s.Count, t.OldestEnqueuedAt is { } a && s.Oldest is { } b ? (a < b ? a : b) : t.OldestEnqueuedAt ?? s.Oldest, t.DeadLetters + s.DeadLetters)
                    : s;
            }
        }

        return total;
    }

    /// <summary>Adds to the tracker queue depth gauge.</summary>
    public void AddQueueDepth(long delta) => Interlocked.Add(ref _queueDepth, delta);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
