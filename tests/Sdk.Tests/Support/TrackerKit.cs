using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Braze.Tests.Support;

/// <summary>What the tracker tests share: numbered events, a fixture with short delays, and a Braze that can fail on cue.</summary>
internal static class TrackerKit
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static TrackEvent Event(int i) => new(UserId.External($"user{i}"), "rented_movie", s_time, new BrazeProperties { { "n", i } });

    public static ClientFixture Fixture(Action<BrazeOptions>? configure = null, string? outbox = null) => new(
        o =>
        {
            o.Tracker.FlushInterval = TimeSpan.FromMilliseconds(50);
            o.Tracker.ShutdownTimeout = TimeSpan.FromSeconds(5);
            o.Tracker.RedeliveryDelay = TimeSpan.FromMilliseconds(20);
            o.Tracker.MaxRedeliveryDelay = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        },
        outbox);

    /// <summary>The <c>n</c> of every event in the recorded request bodies.</summary>
    public static IEnumerable<int> Numbers(string body) => JsonDocument.Parse(body).RootElement.TryGetProperty("events", out var events)
        ? events.EnumerateArray().Select(e => e.GetProperty("properties").GetProperty("n").GetInt32()).ToList()
        : [];

    public static async Task WaitUntil(Func<bool> condition, double seconds = 15)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(seconds), "condition not reached");
            await Task.Delay(10);
        }
    }
}

/// <summary>A Braze that answers like the real one, or fails as told; it keeps the numbers of the events it accepted.</summary>
internal sealed class FlakyBraze
{
    public ConcurrentBag<int> Accepted { get; } = [];

    /// <summary>The failure to answer with: null (accept), "503", "401", "refused" or "dropped".</summary>
    public volatile string? Failure;

    /// <summary>Events with these numbers make Braze refuse the whole request with a 400.</summary>
    public HashSet<int> Poison { get; } = [];

    public int Failed;

    public HttpResponseMessage Answer(FakeBraze.Recorded request)
    {
        var numbers = TrackerKit.Numbers(request.Body);
        switch (Failure)
        {
            case "503":
                Interlocked.Increment(ref Failed);
                return FakeBraze.Json(HttpStatusCode.ServiceUnavailable, """{"message":"down"}""");
            case "401":
                Interlocked.Increment(ref Failed);
                return FakeBraze.Json(HttpStatusCode.Unauthorized, """{"message":"Invalid API key"}""");
            case "refused":
                Interlocked.Increment(ref Failed);
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");
            case "dropped":
                Interlocked.Increment(ref Failed);
                throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely");
        }

        if (numbers.Any(Poison.Contains))
        {
            return FakeBraze.Json(HttpStatusCode.BadRequest, """{"message":"Received unparsable request"}""");
        }

        foreach (var n in numbers)
        {
            Accepted.Add(n);
        }

        return FakeBraze.Json(HttpStatusCode.Created, """{"message":"success"}""");
    }
}

/// <summary>Reads the SDK's instruments of one service provider (its IMeterFactory scope), not those of tests running beside it.</summary>
internal sealed class MetricsProbe : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _values = new();

    public MetricsProbe(IServiceProvider services)
    {
        var scope = services.GetService(typeof(System.Diagnostics.Metrics.IMeterFactory));
        Assert.NotNull(scope);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Braze.Sdk" && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Record(instrument, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Record(instrument, value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Record(instrument, (long)value));
        _listener.Start();
    }

    /// <summary>A counter's sum, or a gauge's last observed value (<see cref="Observe"/> first).</summary>
    public long this[string name] => _values.GetValueOrDefault(name);

    /// <summary>Reads the observable gauges now.</summary>
    public void Observe()
    {
        foreach (var gauge in _values.Keys.Where(k => k.Contains("depth", StringComparison.Ordinal) || k.Contains("paused", StringComparison.Ordinal) || k.Contains("age", StringComparison.Ordinal) || k.Contains("dead_letters", StringComparison.Ordinal)).ToList())
        {
            _values[gauge] = 0;
        }

        _listener.RecordObservableInstruments();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(System.Diagnostics.Metrics.Instrument instrument, long value)
    {
        if (instrument.GetType().Name.StartsWith("Observable", StringComparison.Ordinal))
        {
            _values[instrument.Name] = value;
        }
        else
        {
            _values.AddOrUpdate(instrument.Name, value, (_, old) => old + value);
        }
    }
}
