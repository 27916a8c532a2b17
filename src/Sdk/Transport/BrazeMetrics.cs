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

    /// <summary>Adds to the tracker queue depth gauge.</summary>
    public void AddQueueDepth(long delta) => Interlocked.Add(ref _queueDepth, delta);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
