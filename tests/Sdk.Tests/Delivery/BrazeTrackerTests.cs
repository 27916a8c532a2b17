using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Braze.Tests.Support;
using static Braze.Tests.Support.TrackerKit;
using Microsoft.Extensions.DependencyInjection;
using Braze.Rules;

namespace Braze.Tests.Delivery;

[CollectionDefinition("Timing", DisableParallelization = true)]
public sealed class TimingCollection;

[Collection("Timing")]
public sealed class BrazeTrackerTests : IDisposable
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "braze-tracker-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static async Task<long> OutboxCount(BrazeTracker tracker) => (await tracker.GetOutboxStatsAsync())?.Count ?? 0;

    private static IEnumerable<int> SentNumbers(FakeBraze fake) => fake.Requests
        .Select(r => JsonDocument.Parse(r.Body).RootElement)
        .Where(b => b.TryGetProperty("events", out _))
        .SelectMany(b => b.GetProperty("events").EnumerateArray())
        .Select(e => e.GetProperty("properties").GetProperty("n").GetInt32());

    [Fact]
    public async Task Tracked_items_are_batched_and_every_handle_completes_when_accepted()
    {
        using var f = Fixture();
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();
        var handles = Enumerable.Range(0, 200).Select(i => tracker.Track(Event(i))).ToList();

        await tracker.FlushAsync();

        Assert.All(handles, h => Assert.True(h.Completion.IsCompletedSuccessfully));
        Assert.Equal(0, tracker.PendingCount);
        Assert.All(f.Fake.Requests, r => Assert.True(JsonDocument.Parse(r.Body).RootElement.GetProperty("events").GetArrayLength() <= 75));
        Assert.Equal(Enumerable.Range(0, 200), SentNumbers(f.Fake).Order());
    }

    [Fact]
    public async Task A_waiting_partial_batch_is_sent_as_soon_as_it_fills_not_at_the_interval()
    {
        using var f = Fixture(o =>
        {
            o.Tracker.FlushInterval = TimeSpan.FromHours(1);
            o.Tracker.Linger = TimeSpan.FromHours(1); // even an idle tracker waits for a full batch
        });
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();
        var handles = new List<TrackHandle> { tracker.Track(Event(0)) };
        await Task.Delay(100); // the loop now holds a batch of one and sleeps
        for (var i = 1; i < 150; i++)
        {
            handles.Add(tracker.Track(Event(i)));
            if (i % 10 == 0)
            {
                await Task.Yield();
            }
        }

        await Task.WhenAll(handles.Select(h => h.Completion)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([75, 75], f.Fake.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("events").GetArrayLength()));
        Assert.Equal(Enumerable.Range(0, 150), SentNumbers(f.Fake).Order()); // two requests in flight may arrive in either order
    }

    [Fact]
    public async Task On_an_idle_tracker_an_awaited_handle_costs_one_request_not_the_flush_interval()
    {
        using var f = Fixture(o => o.Tracker.FlushInterval = TimeSpan.FromHours(1)); // the default linger is zero
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();
        for (var i = 0; i < 5; i++)
        {
            await tracker.Track(Event(i)).WaitAsync(TimeSpan.FromSeconds(5)); // would time out if the batch waited for the interval
        }

        Assert.Equal(Enumerable.Range(0, 5), SentNumbers(f.Fake));
    }

    [Fact]
    public async Task A_partial_batch_is_sent_after_the_linger()
    {
        using var f = Fixture(o => o.Tracker.Linger = TimeSpan.FromMilliseconds(50));
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();
        var handle = tracker.Track(Event(1));
        await handle.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, f.Fake.Calls);
    }

    [Fact]
    public void Invalid_items_are_rejected_at_once_with_their_errors()
    {
        using var f = Fixture();
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();
        var ex = Assert.Throws<BrazeValidationException>(() => tracker.Track(new TrackEvent(UserId.External("u"), "e", s_time, new BrazeProperties { { "$bad", 1 } })));
        Assert.Contains(ex.Errors, e => e.Path == "event.properties.$bad" && e.Code == ValidationCodes.NameLeadingDollar);
        Assert.Equal(0, tracker.PendingCount);
    }

    [Fact]
    public async Task An_item_braze_rejects_fails_its_own_handle_only()
    {
        using var f = Fixture();
        f.Fake.Responder = (r, _) =>
        {
            var events = JsonDocument.Parse(r.Body).RootElement.GetProperty("events");
            var bad = events.EnumerateArray().Select((e, i) => (e, i)).Where(x => x.e.GetProperty("properties").GetProperty("n").GetInt32() == 3).Select(x => x.i).ToList();
            var errors = string.Join(",", bad.Select(i => $$"""{"type":"invalid","input_array":"events","index":{{i}}}"""));
            return FakeBraze.Json(HttpStatusCode.Created, $$"""{"message":"success","errors":[{{errors}}]}""");
        };
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();
        var handles = Enumerable.Range(0, 10).Select(i => tracker.Track(Event(i))).ToList();
        await tracker.FlushAsync();

        var ex = await Assert.ThrowsAsync<BrazeDeliveryException>(() => handles[3].Completion);
        Assert.Contains("invalid", ex.Message, StringComparison.Ordinal);
        Assert.All(handles.Where((_, i) => i != 3), h => Assert.True(h.Completion.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task Shutdown_against_a_dead_server_returns_within_the_deadline_and_reports_every_item()
    {
        using var f = Fixture(o =>
        {
            o.Tracker.ShutdownTimeout = TimeSpan.FromMilliseconds(500);
            o.MaxRetryAttempts = 50;
        });
        f.Fake.Responder = (_, _) => FakeBraze.Json(HttpStatusCode.ServiceUnavailable, """{"message":"down"}""");
        var tracker = f.Provider.GetRequiredService<BrazeTracker>();
        var handles = Enumerable.Range(0, 100).Select(i => tracker.Track(Event(i))).ToList();
        await Task.Delay(100);

        var watch = Stopwatch.StartNew();
        await tracker.StopAsync(CancellationToken.None);
        watch.Stop();

        // The contract is deadline + 100 ms; the extra 200 ms absorbs a loaded 2-core CI machine.
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(500 + 100 + 200), $"stop took {watch.ElapsedMilliseconds} ms");
        foreach (var h in handles)
        {
            var ex = await Assert.ThrowsAsync<BrazeDeliveryException>(() => h.Completion);
            Assert.False(ex.KeptInOutbox);
        }

        Assert.Throws<ObjectDisposedException>(() => tracker.Track(Event(1)));
    }

    [Fact]
    public async Task With_an_outbox_undelivered_items_survive_a_restart_and_are_delivered()
    {
        var outbox = Path.Combine(_dir, "outbox.db");
        using (var dead = Fixture(
            o =>
            {
                o.Tracker.ShutdownTimeout = TimeSpan.FromMilliseconds(300);
                o.MaxRetryAttempts = 50;
            },
            outbox))
        {
            dead.Fake.Responder = (_, _) => FakeBraze.Json(HttpStatusCode.BadGateway, "{}");
            var tracker = dead.Provider.GetRequiredService<BrazeTracker>();
            var handles = Enumerable.Range(0, 30).Select(i => tracker.Track(Event(i))).ToList();
            Assert.Equal(30, await OutboxCount(tracker));
            await tracker.StopAsync(CancellationToken.None);
            foreach (var h in handles)
            {
                Assert.True((await Assert.ThrowsAsync<BrazeDeliveryException>(() => h.Completion)).KeptInOutbox);
            }
        }

        using var alive = Fixture(outbox: outbox);
        var restarted = alive.Provider.GetRequiredService<BrazeTracker>();
        await restarted.StartAsync(CancellationToken.None);
        await restarted.FlushAsync();
        Assert.Equal(Enumerable.Range(0, 30), SentNumbers(alive.Fake).Distinct().Order());
        Assert.Equal(0, await OutboxCount(restarted));
        await restarted.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_handle_completes_only_after_its_item_left_the_outbox()
    {
        // FlushAsync waits on the handles; a handle that completed before its row was deleted let a caller see a
        // "flushed" tracker with rows still in the outbox (and a restart at that moment sent them twice).
        using var f = Fixture(outbox: Path.Combine(_dir, "outbox.db"));
        var tracker = f.Provider.GetRequiredService<BrazeTracker>();
        for (var round = 0; round < 5; round++)
        {
            var handles = Enumerable.Range(0, 50).Select(i => tracker.Track(Event(i))).ToList();
            var watch = Stopwatch.StartNew();
            while (!handles.Exists(h => h.IsCompleted))
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "no handle completed");
                Thread.SpinWait(20);
            }

            var completed = handles.Count(h => h.IsCompleted);
            var left = await OutboxCount(tracker);
            Assert.True(left <= 50 - completed, $"{completed} handle(s) completed while {left} of 50 row(s) were still in the outbox");
            await tracker.FlushAsync();
            Assert.Equal(0, await OutboxCount(tracker));
        }

        await tracker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_full_queue_fails_the_enqueue_under_the_fail_policy()
    {
        var gate = new TaskCompletionSource();
        using var f = Fixture(o =>
        {
            o.Tracker.MaxQueueSize = 5;
            o.Tracker.OverflowPolicy = QueueOverflowPolicy.Fail;
            o.MaxConcurrentRequests = 1;
        });
        f.Fake.Responder = (_, _) =>
        {
            gate.Task.Wait(TimeSpan.FromSeconds(10));
            return FakeBraze.Json(HttpStatusCode.Created, """{"message":"success"}""");
        };
        var tracker = f.Provider.GetRequiredService<BrazeTracker>();
        var thrown = 0;
        var accepted = new List<TrackHandle>();
        for (var i = 0; i < 400; i++)
        {
            try
            {
                accepted.Add(tracker.Track(Event(i)));
            }
            catch (BrazeQueueFullException)
            {
                thrown++;
            }
        }

        gate.SetResult();
        await tracker.FlushAsync();
        Assert.True(thrown > 0);
        Assert.Equal(400, thrown + accepted.Count);
        Assert.All(accepted, h => Assert.True(h.Completion.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task Track_flush_and_dispose_from_many_threads_complete_every_item_exactly_once()
    {
        using var f = Fixture(o => o.Tracker.FlushInterval = TimeSpan.FromMilliseconds(5));
        var tracker = f.Provider.GetRequiredService<BrazeTracker>();
        var handles = new System.Collections.Concurrent.ConcurrentBag<TrackHandle>();
        var refused = 0;
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
            {
                try
                {
                    handles.Add(await tracker.EnqueueAsync(Event((w * 1000) + i)));
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref refused);
                }

                if (i % 50 == 0)
                {
                    await tracker.FlushAsync();
                }
            }
        })).ToList();
        await Task.Delay(50);
        var stop = tracker.DisposeAsync().AsTask();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));
        await stop.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(8 * 300, handles.Count + refused);
        Assert.All(handles, h => Assert.True(h.Completion.IsCompleted));
        var delivered = handles.Count(h => h.Completion.IsCompletedSuccessfully);
        var sent = SentNumbers(f.Fake).ToList();
        Assert.Equal(sent.Count, sent.Distinct().Count());
        Assert.True(sent.Count >= delivered);
        Assert.Equal(0, tracker.PendingCount);
    }

    [Fact]
    public async Task A_flush_never_hangs_on_an_enqueue_that_was_cancelled_or_refused_while_it_waited()
    {
        using var gate = new ManualResetEventSlim();
        using var f = Fixture(o =>
        {
            o.MaxConcurrentRequests = 1;
            o.Tracker.MaxQueueSize = 3; // a place is held until the item completes: 1 in flight, 1 read, 1 queued
            o.Tracker.FlushInterval = TimeSpan.FromMilliseconds(10);
        });
        f.Fake.Responder = (_, _) =>
        {
            gate.Wait(TimeSpan.FromSeconds(30)); // Braze is slow: the one request in flight holds the loop
            return FakeBraze.Json(HttpStatusCode.Created, """{"message":"success"}""");
        };
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();
        var sending = tracker.Track(Event(1));
        await WaitUntil(() => f.Fake.Requests.Count == 1);
        var read = tracker.Track(Event(2));          // read by the loop, which then waits for the request slot
        await Task.Delay(100);
        var queued = tracker.Track(Event(3));        // takes the queue's one place
        using var cancel = new CancellationTokenSource();
        var waiting = tracker.EnqueueAsync(Event(4), cancel.Token).AsTask(); // waits for a place
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted, $"{waiting.Status} {waiting.Exception} requests {f.Fake.Requests.Count} pending {tracker.PendingCount}");

        var flush = tracker.FlushAsync();            // sees item 4 pending
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        gate.Set();

        await flush.WaitAsync(TimeSpan.FromSeconds(15));
        await Task.WhenAll(sending.Completion, read.Completion, queued.Completion).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, tracker.PendingCount);
        Assert.DoesNotContain(4, SentNumbers(f.Fake));
    }

    [Fact]
    public async Task An_awaited_handle_can_bound_the_wait_without_touching_the_item()
    {
        using var gate = new ManualResetEventSlim();
        using var f = Fixture();
        f.Fake.Responder = (_, _) =>
        {
            gate.Wait(TimeSpan.FromSeconds(30));
            return FakeBraze.Json(HttpStatusCode.Created, """{"message":"success"}""");
        };
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();
        var handle = tracker.Track(Event(1));

        await Assert.ThrowsAsync<TimeoutException>(() => handle.WaitAsync(TimeSpan.FromMilliseconds(100)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handle.WaitAsync(cancel.Token));
        Assert.False(handle.IsCompleted);

        gate.Set();
        await handle.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal([1], SentNumbers(f.Fake));
    }

    [Fact]
    public void An_event_nested_thousands_deep_is_refused_with_a_validation_error_not_another_exception()
    {
        using var f = Fixture();
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();
        var properties = new BrazeProperties { { "leaf", 1 } };
        for (var i = 0; i < 2_000; i++)
        {
            properties = new BrazeProperties { { "n", properties } };
        }

        var ex = Assert.Throws<BrazeValidationException>(() => tracker.Track(new TrackEvent(UserId.External("u"), "deep", s_time, properties)));
        Assert.Equal(ValidationCodes.NestingTooDeep, Assert.Single(ex.Errors).Code);
        Assert.Equal(0, tracker.PendingCount);
    }

    [Fact]
    public void A_damaged_outbox_file_gives_an_error_naming_it_and_leaks_no_descriptor()
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "damaged.db");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7))]);
        using var f = Fixture(outbox: path);
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();

        var first = Assert.Throws<BrazeException>(() => tracker.Track(Event(1)));
        Assert.Contains(Path.GetFullPath(path), first.Message, StringComparison.Ordinal);
        var before = Directory.GetFiles("/proc/self/fd").Length;
        for (var i = 0; i < 20; i++)
        {
            Assert.Throws<BrazeException>(() => tracker.Track(Event(i)));
        }

        Assert.InRange(Directory.GetFiles("/proc/self/fd").Length, 0, before + 5); // other tests may open a few meanwhile
        Assert.Equal(0, tracker.PendingCount);
    }
}
