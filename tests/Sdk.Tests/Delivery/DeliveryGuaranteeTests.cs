using Braze.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Braze.Tests.Support.TrackerKit;

namespace Braze.Tests.Delivery;

/// <summary>
/// What the tracker promises when Braze fails: an item leaves only when Braze accepted it or rejected that object for
/// good; everything else (outages of any length, 401/403, exhausted retries) keeps it for a later attempt.
/// </summary>
[Collection("Timing")]
public sealed class DeliveryGuaranteeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "braze-delivery-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("503")]
    [InlineData("refused")]
    [InlineData("dropped")]
    [InlineData("401")]
    public async Task An_outage_longer_than_every_retry_loses_nothing_and_everything_arrives_when_braze_is_back(string failure)
    {
        var braze = new FlakyBraze { Failure = failure };
        using var f = Fixture(o => o.MaxRetryAttempts = 1);
        f.Fake.Responder = (r, _) => braze.Answer(r);
        var tracker = f.Provider.GetRequiredService<BrazeTracker>();
        var handles = Enumerable.Range(0, 100).Select(i => tracker.Track(Event(i))).ToList();

        await WaitUntil(() => Volatile.Read(ref braze.Failed) >= 6); // several rounds of retries and deferrals
        Assert.DoesNotContain(handles, h => h.IsCompleted);
        Assert.Equal(100, tracker.PendingCount);

        braze.Failure = null;
        await Task.WhenAll(handles.Select(h => h.Completion)).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(Enumerable.Range(0, 100), braze.Accepted.Distinct().Order());
        Assert.Equal(0, tracker.PendingCount);
        Assert.Null(tracker.PausedUntil);
    }

    [Fact]
    public async Task A_refused_key_pauses_delivery_for_the_workspace_instead_of_failing_every_batch()
    {
        var braze = new FlakyBraze { Failure = "401" };
        using var f = Fixture(o =>
        {
            o.MaxRetryAttempts = 0;
            o.Tracker.MaxRedeliveryDelay = TimeSpan.FromMilliseconds(300);
        });
        f.Fake.Responder = (r, _) => braze.Answer(r);
        using var metrics = new MetricsProbe(f.Provider);
        var tracker = f.Provider.GetRequiredService<BrazeTracker>();
        var handles = Enumerable.Range(0, 750).Select(i => tracker.Track(Event(i))).ToList(); // ten batches

        await WaitUntil(() => tracker.PausedUntil is not null);
        metrics.Observe();
        Assert.Equal(1, metrics["braze.delivery.paused"]);
        await Task.Delay(1000);
        // Paused, the ten batches wait together and one probe goes per interval (about a dozen requests in that second,
        // the first concurrent ones included); each batch retrying on its own would have sent about sixty.
        var failed = Volatile.Read(ref braze.Failed);
        Assert.True(failed is >= 1 and <= 30, $"{failed} requests while the key was refused");
        var paused = f.Logs.GetSnapshot().Count(r => r.Level == LogLevel.Error && r.Message.Contains("Delivery is paused", StringComparison.Ordinal));
        Assert.InRange(paused, 1, Volatile.Read(ref braze.Failed));
        Assert.DoesNotContain(handles, h => h.IsCompleted);

        braze.Failure = null; // the key is fixed
        try
        {
            await Task.WhenAll(handles.Select(h => h.Completion)).WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"pending {tracker.PendingCount} deferred {tracker.DeferredCount} paused {tracker.PausedUntil} now {DateTimeOffset.UtcNow} requests {f.Fake.Requests.Count} accepted {braze.Accepted.Count} logs {string.Join(" | ", f.Logs.GetSnapshot().Where(l => l.Level >= LogLevel.Information).Select(l => l.Message).Take(30))}");
        }
        Assert.Equal(750, braze.Accepted.Distinct().Count());
        Assert.Null(tracker.PausedUntil);
    }

    [Fact]
    public async Task A_poison_object_is_found_by_halving_the_batch_and_its_neighbours_are_delivered()
    {
        var braze = new FlakyBraze();
        braze.Poison.UnionWith([13, 57]);
        var outbox = Path.Combine(_dir, "outbox.db");
        using var f = Fixture(
            o =>
            {
                o.Tracker.Linger = TimeSpan.FromHours(1); // one full batch of 75, however loaded the machine
                o.Tracker.FlushInterval = TimeSpan.FromHours(1);
            },
            outbox);
        f.Fake.Responder = (r, _) => braze.Answer(r);
        var tracker = f.Provider.GetRequiredService<BrazeTracker>();
        var handles = Enumerable.Range(0, 75).Select(i => tracker.Track(Event(i))).ToList();

        await Task.WhenAll(handles.Select(h => h.Completion.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(15));

        foreach (var poison in new[] { 13, 57 })
        {
            var ex = await Assert.ThrowsAsync<BrazeDeliveryException>(() => handles[poison].Completion);
            Assert.Contains("refused", ex.Message, StringComparison.Ordinal);
            Assert.Contains("unparsable", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(Enumerable.Range(0, 75).Except([13, 57]), braze.Accepted.Order());
        Assert.All(handles.Where((_, i) => i is not 13 and not 57), h => Assert.True(h.Completion.IsCompletedSuccessfully));
        var stats = await tracker.GetOutboxStatsAsync();
        Assert.Equal(0, stats!.Count);
        Assert.Equal(2, stats.DeadLetters);
        Assert.True(f.Fake.Requests.Count <= 1 + (2 * 2 * 7), $"{f.Fake.Requests.Count} requests to isolate two objects of 75");
    }

    [Fact]
    public async Task An_item_undelivered_past_DeadLetterAfter_becomes_a_dead_letter_with_the_last_failure()
    {
        var braze = new FlakyBraze { Failure = "503" };
        // Long enough for the first attempt (and its HTTP retries) to end before it, on a loaded machine too.
        using var f = Fixture(o => o.Tracker.DeadLetterAfter = TimeSpan.FromSeconds(1.5), Path.Combine(_dir, "outbox.db"));
        f.Fake.Responder = (r, _) => braze.Answer(r);
        using var metrics = new MetricsProbe(f.Provider);
        var tracker = f.Provider.GetRequiredService<BrazeTracker>();
        var handles = Enumerable.Range(0, 10).Select(i => tracker.Track(Event(i))).ToList();

        foreach (var handle in handles)
        {
            var ex = await Assert.ThrowsAsync<BrazeDeliveryException>(() => handle.WaitAsync(TimeSpan.FromSeconds(15)));
            Assert.Contains("DeadLetterAfter", ex.Message, StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, Assert.IsAssignableFrom<BrazeApiException>(ex.InnerException).StatusCode);
        }

        var stats = await tracker.GetOutboxStatsAsync();
        Assert.Equal((0L, 10L), (stats!.Count, stats.DeadLetters));
        Assert.Equal(0, tracker.PendingCount);
        Assert.Equal(10, metrics["braze.objects.dead_lettered"]);
        Assert.True(metrics["braze.objects.deferred"] >= 10, "every item was deferred at least once first");
        Assert.Equal(0, metrics["braze.objects.dropped"]);
        metrics.Observe();
        Assert.Equal(0, metrics["braze.queue.depth"]);
    }

    [Fact]
    public async Task A_flush_during_an_outage_returns_once_every_item_had_its_attempt_and_keeps_them()
    {
        var braze = new FlakyBraze { Failure = "503" };
        using var f = Fixture(o =>
        {
            o.MaxRetryAttempts = 0;
            o.Tracker.RedeliveryDelay = TimeSpan.FromMinutes(1); // deferred items would wait a minute; a flush sends them now
            o.Tracker.MaxRedeliveryDelay = TimeSpan.FromMinutes(1);
        });
        f.Fake.Responder = (r, _) => braze.Answer(r);
        var tracker = f.Provider.GetRequiredService<BrazeTracker>();
        var handles = Enumerable.Range(0, 10).Select(i => tracker.Track(Event(i))).ToList();

        await tracker.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var first = f.Fake.Requests.Count;
        Assert.True(first >= 1);
        Assert.Equal(10, tracker.PendingCount);
        // The flush returns when each attempt ended; the items join the deferred set right after (their rows are written first).
        await WaitUntil(() => tracker.DeferredCount == 10);

        await tracker.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(f.Fake.Requests.Count > first, "the second flush tried the deferred items again at once");

        braze.Failure = null;
        await tracker.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(handles, h => Assert.True(h.Completion.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task Deferred_items_keep_their_attempts_in_the_outbox_and_a_backlog_larger_than_the_queue_arrives_in_one_run()
    {
        var outbox = Path.Combine(_dir, "outbox.db");
        using (var dead = Fixture(o => o.MaxRetryAttempts = 0, outbox))
        {
            var braze = new FlakyBraze { Failure = "503" };
            dead.Fake.Responder = (r, _) => braze.Answer(r);
            var tracker = dead.Provider.GetRequiredService<BrazeTracker>();
            foreach (var i in Enumerable.Range(0, 300))
            {
                await tracker.EnqueueAsync(Event(i));
            }

            await WaitUntil(() => tracker.DeferredCount == 300);
            await tracker.StopAsync(CancellationToken.None);
        }

        await using (var file = new SqliteOutbox(outbox))
        {
            var rows = await file.ClaimAsync(1000, CancellationToken.None);
            Assert.Equal(300, rows.Count);
            Assert.All(rows, r => Assert.True(r.Attempts >= 1 && r.NextAttemptAt is not null));
        }

        using var alive = Fixture(o => o.Tracker.MaxQueueSize = 40, outbox);
        var accepted = new FlakyBraze();
        alive.Fake.Responder = (r, _) => accepted.Answer(r);
        var restarted = alive.Provider.GetRequiredService<BrazeTracker>();
        await restarted.StartAsync(CancellationToken.None);
        await WaitUntil(() => accepted.Accepted.Distinct().Count() == 300, seconds: 30);
        // An item leaves the pending set just before its row is deleted: the outbox empties a moment after.
        await WaitUntil(() => restarted.PendingCount == 0 && restarted.GetOutboxStatsAsync().GetAwaiter().GetResult()!.Count == 0);
    }

    [Fact]
    public async Task Queueing_a_request_is_all_or_nothing()
    {
        using var gate = new ManualResetEventSlim();
        using var f = Fixture(o =>
        {
            o.Tracker.MaxQueueSize = 12;
            o.MaxConcurrentRequests = 1;
        });
        f.Fake.Responder = (_, _) =>
        {
            gate.Wait(TimeSpan.FromSeconds(30));
            return FakeBraze.Json(System.Net.HttpStatusCode.Created, """{"message":"success"}""");
        };
        var tracker = f.Provider.GetRequiredService<BrazeTracker>();
        var early = Enumerable.Range(0, 3).Select(i => tracker.Track(Event(i))).ToList();

        var invalid = new TrackRequest().Add(Event(100)).Add(new TrackEvent(UserId.External("u"), "e", DateTimeOffset.UtcNow, new BrazeProperties { { "$reserved", 1 } }));
        await Assert.ThrowsAsync<BrazeValidationException>(() => tracker.EnqueueAsync(invalid).AsTask());
        Assert.Equal(3, tracker.PendingCount);

        var tooMany = new TrackRequest();
        foreach (var i in Enumerable.Range(200, 10))
        {
            tooMany.Add(Event(i));
        }

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tracker.EnqueueAsync(tooMany, cancel.Token).AsTask()); // 9 places free, 10 needed
        Assert.Equal(3, tracker.PendingCount);

        gate.Set();
        var handles = await tracker.EnqueueAsync(tooMany).AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        await Task.WhenAll(handles.Concat(early).Select(h => h.Completion)).WaitAsync(TimeSpan.FromSeconds(15));
        var sent = f.Fake.Requests.SelectMany(r => Numbers(r.Body)).ToList();
        Assert.DoesNotContain(100, sent);
        Assert.Equal(Enumerable.Range(0, 3).Concat(Enumerable.Range(200, 10)), sent.Distinct().Order());
    }

    [Theory]
    [InlineData(QueueOverflowPolicy.Wait)]
    [InlineData(QueueOverflowPolicy.Fail)]
    public async Task Cancelled_and_refused_enqueues_flushes_and_dispose_together_never_hang_and_complete_every_handle(QueueOverflowPolicy policy)
    {
        var braze = new FlakyBraze();
        using var f = Fixture(o =>
        {
            o.Tracker.MaxQueueSize = 50;
            o.Tracker.OverflowPolicy = policy;
            o.Tracker.FlushInterval = TimeSpan.FromMilliseconds(5);
        });
        f.Fake.Responder = (r, _) => braze.Answer(r);
        var tracker = f.Provider.GetRequiredService<BrazeTracker>();
        var handles = new System.Collections.Concurrent.ConcurrentBag<TrackHandle>();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                using var cancel = new CancellationTokenSource();
                if (i % 7 == 0)
                {
                    cancel.CancelAfter(1);
                }

                try
                {
                    handles.Add(await tracker.EnqueueAsync(Event((w * 1000) + i), cancel.Token));
                }
                catch (Exception ex) when (ex is OperationCanceledException or BrazeQueueFullException or ObjectDisposedException)
                {
                }

                if (i % 25 == 0)
                {
                    await tracker.FlushAsync().WaitAsync(TimeSpan.FromSeconds(20));
                }
            }
        })).ToList();

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        await tracker.FlushAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await tracker.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.All(handles, h => Assert.True(h.Completion.IsCompletedSuccessfully));
        Assert.Equal(0, tracker.PendingCount);
        Assert.Equal(handles.Count, braze.Accepted.Distinct().Count());
    }
}
