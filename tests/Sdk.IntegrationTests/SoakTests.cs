using System.Text.Json;
using Braze.Emulator;
using Microsoft.Extensions.DependencyInjection;

namespace Braze.IntegrationTests;

/// <summary>
/// The tracker under faults: a quarter of all requests failing (10 % 429, 10 % 5xx, 5 % dropped connections, half
/// before and half after applying) with latency spikes, and a second run at 60 % with an outbox. Retries run out often
/// (two per request), so delivery rests on the tracker keeping and re-sending items. Every object must reach the
/// emulator, duplicates must equal the objects of the ambiguous failures (dropped after applying), and no handle may
/// stay pending. CI runs 6,000 and 3,000 objects; set BRAZE_SOAK_OBJECTS=100000 for the full runs.
/// </summary>
public sealed class SoakTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "braze-soak-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(0.25, 6_000, false)]
    [InlineData(0.60, 3_000, true)]
    public async Task Every_object_arrives_and_duplicates_equal_the_ambiguous_failures(double faultRate, int ciObjects, bool outbox)
    {
        var objects = int.TryParse(Environment.GetEnvironmentVariable("BRAZE_SOAK_OBJECTS"), out var n) ? n : ciObjects;
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions
        {
            RecordRequests = true,
            TrackWindow = TimeSpan.FromMilliseconds(250),
            Faults = new FaultSettings
            {
                Seed = 42,
                RateLimited = faultRate * 0.4,
                InternalError = faultRate * 0.16,
                BadGateway = faultRate * 0.12,
                Unavailable = faultRate * 0.12,
                DropBeforeApply = faultRate * 0.1,
                DropAfterApply = faultRate * 0.1,
                Latency = 0.05,
                LatencyMilliseconds = 50,
            },
        });
        await using var provider = SdkAgainstEmulatorTests.Services(
            emulator,
            o =>
            {
                o.MaxRetryAttempts = 2;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(100);
                o.Tracker.FlushInterval = TimeSpan.FromMilliseconds(20);
                o.Tracker.RedeliveryDelay = TimeSpan.FromMilliseconds(20);
                o.Tracker.MaxRedeliveryDelay = TimeSpan.FromMilliseconds(300);
            },
            outbox ? Path.Combine(_dir, "outbox.db") : null);
        var tracker = provider.GetRequiredService<IBrazeTracker>();
        var time = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var handles = new List<TrackHandle>(objects);
        for (var i = 0; i < objects; i++)
        {
            handles.Add(await tracker.EnqueueAsync(new TrackEvent(UserId.External("soak" + (i % 50)), "soaked", time.AddMilliseconds(i), new BrazeProperties { { "i", i } })));
        }

        // A flush gives each item one more attempt; the handles complete when Braze has accepted every item.
        await Task.WhenAll(handles.Select(h => h.Completion)).WaitAsync(TimeSpan.FromMinutes(5));
        var delivered = handles.Count(h => h.Completion.IsCompletedSuccessfully);
        var counts = await emulator.Store.CountsAsync();
        var ambiguous = emulator.Requests.Where(r => r.Fault == "DropAfterApply" && r.Body is not null)
            .Sum(r => JsonDocument.Parse(r.Body!).RootElement.GetProperty("events").GetArrayLength());
        var faults = emulator.Requests.Where(r => r.Fault is not null).GroupBy(r => r.Fault).ToDictionary(g => g.Key!, g => g.Count());
        Console.WriteLine($"soak at {faultRate:P0} faults{(outbox ? " with an outbox" : "")}: objects {objects}, delivered handles {delivered}, stored {counts.Events}, distinct {counts.DistinctEvents}, duplicates {counts.Events - counts.DistinctEvents}, objects in ambiguous failures {ambiguous}, requests {emulator.RequestCount}, faults {string.Join(", ", faults.Select(f => $"{f.Key}={f.Value}"))}");

        Assert.Equal(objects, delivered);
        Assert.Equal(objects, counts.DistinctEvents);
        Assert.Equal(ambiguous, counts.Events - counts.DistinctEvents);
        Assert.Equal(0, tracker.PendingCount);
        if (outbox)
        {
            Assert.Equal(0, (await ((BrazeTracker)tracker).GetOutboxStatsAsync())!.Count);
        }
    }
}
