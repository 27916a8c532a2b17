using System.Text.Json;
using Braze.Emulator;
using Microsoft.Extensions.DependencyInjection;

namespace Braze.IntegrationTests;

/// <summary>
/// The tracker under faults: 10 % 429, 10 % 5xx, 5 % dropped connections (half before, half after applying) and
/// latency spikes. Every object must reach the emulator at least once, duplicates must equal the objects of the
/// ambiguous failures (dropped after applying), and no handle may stay pending. CI runs 6,000 objects; set
/// BRAZE_SOAK_OBJECTS=100000 for the full run.
/// </summary>
public sealed class SoakTests
{
    [Fact]
    public async Task Every_object_arrives_and_duplicates_equal_the_ambiguous_failures()
    {
        var objects = int.TryParse(Environment.GetEnvironmentVariable("BRAZE_SOAK_OBJECTS"), out var n) ? n : 6_000;
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions
        {
            RecordRequests = true,
            TrackWindow = TimeSpan.FromMilliseconds(250),
            Faults = new FaultSettings
            {
                Seed = 42,
                RateLimited = 0.10,
                InternalError = 0.04,
                BadGateway = 0.03,
                Unavailable = 0.03,
                DropBeforeApply = 0.025,
                DropAfterApply = 0.025,
                Latency = 0.05,
                LatencyMilliseconds = 50,
            },
        });
        await using var provider = SdkAgainstEmulatorTests.Services(emulator, o =>
        {
            o.MaxRetryAttempts = 30;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(100);
            o.Tracker.FlushInterval = TimeSpan.FromMilliseconds(20);
        });
        var tracker = provider.GetRequiredService<IBrazeTracker>();
        var time = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var handles = new List<TrackHandle>(objects);
        for (var i = 0; i < objects; i++)
        {
            handles.Add(await tracker.EnqueueAsync(new TrackEvent(UserId.External("soak" + (i % 50)), "soaked", time.AddMilliseconds(i), new BrazeProperties { { "i", i } })));
        }

        await tracker.FlushAsync();

        Assert.All(handles, h => Assert.True(h.Completion.IsCompleted));
        var delivered = handles.Count(h => h.Completion.IsCompletedSuccessfully);
        var counts = await emulator.Store.CountsAsync();
        var ambiguous = emulator.Requests.Where(r => r.Fault == "DropAfterApply" && r.Body is not null)
            .Sum(r => JsonDocument.Parse(r.Body!).RootElement.GetProperty("events").GetArrayLength());
        var faults = emulator.Requests.Where(r => r.Fault is not null).GroupBy(r => r.Fault).ToDictionary(g => g.Key!, g => g.Count());
        Console.WriteLine($"soak: objects {objects}, delivered handles {delivered}, stored {counts.Events}, distinct {counts.DistinctEvents}, duplicates {counts.Events - counts.DistinctEvents}, objects in ambiguous failures {ambiguous}, requests {emulator.RequestCount}, faults {string.Join(", ", faults.Select(f => $"{f.Key}={f.Value}"))}");

        Assert.Equal(objects, delivered);
        Assert.Equal(objects, counts.DistinctEvents);
        Assert.Equal(ambiguous, counts.Events - counts.DistinctEvents);
        Assert.Equal(0, tracker.PendingCount);
    }
}
