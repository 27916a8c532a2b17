using Braze.Emulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Braze.IntegrationTests;

/// <summary>
/// Outages longer than every retry, against the emulator over HTTP, with an outbox: the tracker keeps what Braze did
/// not take through the outage and through a restart in the middle of it, and delivers everything once Braze is back.
/// </summary>
public sealed class OutageTests : IDisposable
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "braze-outage-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static TrackEvent Event(int i) => new(UserId.External("outage" + (i % 20)), "outage_event", s_time.AddSeconds(i), new BrazeProperties { { "i", i } });

    /// <summary>A tracker whose configuration can change while it runs (base URL, key), like a service's appsettings.</summary>
    private static (ServiceProvider Provider, IConfigurationRoot Configuration) Service(Uri baseUrl, string apiKey, string outbox, bool shortTimeouts = false)
    {
        // Short timeouts only where the outage is a black hole: elsewhere a cold emulator's first answer may be slow, and
        // a timeout after the body was sent is an ambiguous failure, which may duplicate (correctly, but not what is tested).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Braze:ApiKey"] = apiKey,
            ["Braze:BaseUrl"] = baseUrl.ToString(),
            ["Braze:MaxRetryAttempts"] = "1",
            ["Braze:RetryBaseDelay"] = "00:00:00.010",
            ["Braze:RetryMaxDelay"] = "00:00:00.050",
            ["Braze:AttemptTimeout"] = shortTimeouts ? "00:00:00.300" : "00:00:10",
            ["Braze:TotalRequestTimeout"] = shortTimeouts ? "00:00:01" : "00:00:30",
            ["Braze:Tracker:RedeliveryDelay"] = "00:00:00.050",
            ["Braze:Tracker:MaxRedeliveryDelay"] = "00:00:00.300",
            ["Braze:Tracker:ShutdownTimeout"] = "00:00:01",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new Braze.Tests.Audit.AuditLoggerProvider()));
        services.AddBraze(configuration.GetSection("Braze"));
        services.AddBrazeSqliteOutbox(outbox);
        return (services.BuildServiceProvider(), configuration);
    }

    [Theory]
    [InlineData("503")]
    [InlineData("refused")]
    [InlineData("black hole")]
    public async Task Through_an_outage_and_a_restart_in_it_every_item_arrives_once_braze_is_back(string outage)
    {
        const int count = 300;
        const string key = "outage-key";
        var port = FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        var outbox = Path.Combine(_dir, "outbox.db");
        var down = outage switch
        {
            "503" => new FaultSettings { Unavailable = 1 },
            "black hole" => new FaultSettings { Latency = 1, LatencyMilliseconds = 5_000 }, // answers after every timeout
            _ => null,
        };
        // Refused: nothing listens on the port until Braze is back.
        var emulator = down is null ? null : await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { Port = port, ApiKey = key, RecordRequests = true, Faults = down });

        var (first, _) = Service(baseUrl, key, outbox, shortTimeouts: outage == "black hole");
        await using (first)
        {
            var tracker = first.GetRequiredService<BrazeTracker>();
            foreach (var i in Enumerable.Range(0, count / 2))
            {
                _ = tracker.Track(Event(i));
            }

            await WaitUntil(() => tracker.DeferredCount > 0, "a first deferral");
            await tracker.FlushAsync(); // another attempt for every item, failing again
            Assert.Equal(count / 2, tracker.PendingCount);
            await tracker.StopAsync(CancellationToken.None); // the deploy in the middle of the outage
        }

        var (second, _) = Service(baseUrl, key, outbox, shortTimeouts: outage == "black hole");
        await using (second)
        {
            var tracker = second.GetRequiredService<BrazeTracker>();
            await tracker.StartAsync(CancellationToken.None);
            var handles = Enumerable.Range(count / 2, count / 2).Select(i => tracker.Track(Event(i))).ToList();
            await tracker.FlushAsync();
            Assert.Equal(count, tracker.PendingCount);

            // Braze is back.
            if (emulator is null)
            {
                emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { Port = port, ApiKey = key, RecordRequests = true });
            }
            else
            {
                emulator.Faults = new FaultSettings();
            }

            await Task.WhenAll(handles.Select(h => h.Completion)).WaitAsync(TimeSpan.FromSeconds(60));
            // An item leaves the pending set just before its row is deleted: the outbox empties a moment after.
            await WaitUntil(() => tracker.PendingCount == 0 && tracker.GetOutboxStatsAsync().GetAwaiter().GetResult()!.Count == 0, "every replayed item delivered and out of the outbox");
        }

        await using (emulator)
        {
            var counts = await emulator.Store.CountsAsync();
            Assert.Equal(count, counts.DistinctEvents);
            if (outage != "black hole")
            {
                Assert.Equal(count, counts.Events); // no request was applied without an answer: no duplicate
            }
        }
    }

    [Fact]
    public async Task A_rotated_key_pauses_delivery_until_the_right_key_is_configured_and_then_everything_arrives()
    {
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { RecordRequests = true });
        var (provider, configuration) = Service(emulator.BaseUrl, emulator.ApiKey, Path.Combine(_dir, "outbox.db"));
        await using (provider)
        {
            configuration["Braze:ApiKey"] = "revoked-key";
            configuration.Reload();
            var tracker = provider.GetRequiredService<BrazeTracker>();
            var handles = Enumerable.Range(0, 300).Select(i => tracker.Track(Event(i))).ToList();
            await WaitUntil(() => tracker.PausedUntil is not null, "a pause");
            await Task.Delay(500);
            Assert.DoesNotContain(handles, h => h.IsCompleted);

            configuration["Braze:ApiKey"] = emulator.ApiKey;
            configuration.Reload();
            await Task.WhenAll(handles.Select(h => h.Completion)).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Null(tracker.PausedUntil);
        }

        var refused = emulator.Requests.Count(r => r.Status == 401);
        Assert.InRange(refused, 1, 20); // one probe per interval while paused, not every batch on its own
        Assert.Equal(300, (await emulator.Store.CountsAsync()).DistinctEvents);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "not reached: " + what);
            await Task.Delay(10);
        }
    }
}
