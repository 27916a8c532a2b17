using System.Net;
using System.Text.Json;
using Braze.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Braze.Tests.Support.TrackerKit;

namespace Braze.Tests.Delivery;

/// <summary>
/// The tracker's causal order per user: an identity operation is sent after the user's earlier items completed, the
/// user's later items wait for it, other users' items flow meanwhile, and a deletion purges what is not sent yet.
/// </summary>
[Collection("Timing")]
public sealed class UserOrderTests : IDisposable
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly UserId s_visitor = UserId.Alias("visitor-1", "device");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "braze-order-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static TrackEvent EventOf(UserId user, int n) => new(user, "viewed", s_time, new BrazeProperties { { "n", n } });

    /// <summary>Braze as <see cref="FlakyBraze"/> for /users/track, and a success for the identity endpoints (after <paramref name="identityGate"/>, when given).</summary>
    private static Func<FakeBraze.Recorded, int, HttpResponseMessage> Responder(FlakyBraze braze, ManualResetEventSlim? identityGate = null) => (r, _) =>
    {
        if (r.Path.StartsWith("/users/track", StringComparison.Ordinal))
        {
            return braze.Answer(r);
        }

        identityGate?.Wait(TimeSpan.FromSeconds(20));
        return FakeBraze.Json(HttpStatusCode.Created, r.Path.StartsWith("/users/delete", StringComparison.Ordinal)
            ? """{"deleted":1,"message":"success"}"""
            : """{"aliases_processed":1,"message":"success"}""");
    };

    /// <summary>Where the first request on <paramref name="path"/> is in the order Braze received them, and the first /users/track holding event <paramref name="n"/>.</summary>
    private static (int Operation, int Track) Positions(FakeBraze fake, string path, int n)
    {
        var requests = fake.Requests.ToList();
        return (requests.FindIndex(r => r.Path.StartsWith(path, StringComparison.Ordinal)),
            requests.FindIndex(r => r.Path.StartsWith("/users/track", StringComparison.Ordinal) && Numbers(r.Body).Contains(n)));
    }

    /// <summary>Starts creating the visitor's alias and returns once Braze holds the request (its gate keeps it unanswered).</summary>
    private static async Task<Task<int>> AliasHeldAtBrazeAsync(IBrazeTracker tracker, ClientFixture f)
    {
        var alias = tracker.CreateAliasesAsync([new NewUserAlias(s_visitor.Value, s_visitor.AliasLabel!)]);
        await WaitUntil(() => f.Fake.Requests.Any(r => r.Path.StartsWith("/users/alias/new", StringComparison.Ordinal)));
        return alias;
    }

    [Fact]
    public async Task A_users_items_wait_for_an_earlier_alias_while_other_users_flow()
    {
        var braze = new FlakyBraze();
        using var gate = new ManualResetEventSlim();
        using var f = Fixture();
        f.Fake.Responder = Responder(braze, gate);
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();

        var alias = await AliasHeldAtBrazeAsync(tracker, f);
        var byAlias = tracker.Track(EventOf(s_visitor, 1));
        var other = tracker.Track(Event(2));

        await other.Completion.WaitAsync(TimeSpan.FromSeconds(10)); // another user is not held up
        await Task.Delay(150);
        Assert.False(byAlias.IsCompleted);
        Assert.DoesNotContain(1, braze.Accepted);

        gate.Set();
        Assert.Equal(1, await alias.WaitAsync(TimeSpan.FromSeconds(10)));
        await byAlias.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        var (operation, track) = Positions(f.Fake, "/users/alias/new", 1);
        Assert.True(operation >= 0 && track > operation, $"alias at {operation}, track at {track}");
    }

    [Fact]
    public async Task An_identify_waits_until_the_users_earlier_items_were_delivered_through_an_outage()
    {
        var braze = new FlakyBraze { Failure = "503" };
        using var f = Fixture(o => o.MaxRetryAttempts = 0);
        f.Fake.Responder = Responder(braze);
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();

        var earlier = tracker.Track(EventOf(s_visitor, 1));
        await WaitUntil(() => Volatile.Read(ref braze.Failed) >= 2);
        var identify = tracker.IdentifyUsersAsync([new UserIdentification("user-1", s_visitor)]);
        await Task.Delay(200);
        Assert.False(identify.IsCompleted);
        Assert.DoesNotContain(f.Fake.Requests, r => r.Path.StartsWith("/users/identify", StringComparison.Ordinal));

        braze.Failure = null;
        await identify.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(earlier.Completion.IsCompletedSuccessfully);
        var (operation, track) = Positions(f.Fake, "/users/identify", 1);
        var accepted = f.Fake.Requests.ToList().FindLastIndex(r => r.Path.StartsWith("/users/track", StringComparison.Ordinal) && Numbers(r.Body).Contains(1));
        Assert.True(track >= 0 && operation > accepted, $"identify at {operation}, the accepted track at {accepted}");
    }

    [Fact]
    public async Task Operations_of_one_user_run_one_after_the_other_with_the_items_between_them()
    {
        var braze = new FlakyBraze();
        using var gate = new ManualResetEventSlim();
        using var f = Fixture();
        f.Fake.Responder = Responder(braze, gate);
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();

        var first = await AliasHeldAtBrazeAsync(tracker, f);
        var between = tracker.Track(EventOf(s_visitor, 1));
        var second = tracker.IdentifyUsersAsync([new UserIdentification("user-1", s_visitor)]);
        var after = tracker.Track(EventOf(UserId.External("user-1"), 2));
        await Task.Delay(150);
        Assert.False(second.IsCompleted || between.IsCompleted || after.IsCompleted);

        gate.Set();
        await Task.WhenAll(first, second, between.Completion, after.Completion).WaitAsync(TimeSpan.FromSeconds(10));
        var paths = f.Fake.Requests.Select(r => r.Path.StartsWith("/users/track", StringComparison.Ordinal) ? $"track {string.Join(",", Numbers(r.Body))}" : r.Path).ToList();
        Assert.Equal(["/users/alias/new", "track 1", "/users/identify", "track 2"], paths);
    }

    [Fact]
    public async Task A_cancelled_operation_releases_the_items_held_behind_it()
    {
        var braze = new FlakyBraze();
        using var gate = new ManualResetEventSlim();
        using var f = Fixture();
        f.Fake.Responder = Responder(braze, gate);
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();

        var first = await AliasHeldAtBrazeAsync(tracker, f);
        using var cancel = new CancellationTokenSource();
        var second = tracker.MergeUsersAsync([new UserMerge(s_visitor, UserId.External("user-1"))], cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);

        gate.Set();
        await first.WaitAsync(TimeSpan.FromSeconds(10));
        await tracker.Track(EventOf(s_visitor, 1)).Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(f.Fake.Requests, r => r.Path.StartsWith("/users/merge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deletion_purges_the_users_unsent_items_reports_them_and_sends_nothing_of_theirs_after()
    {
        var braze = new FlakyBraze { Failure = "503" };
        using var f = Fixture(o => o.MaxRetryAttempts = 0);
        f.Fake.Responder = Responder(braze);
        using var metrics = new MetricsProbe(f.Provider);
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();
        var user = UserId.External("user-gone");
        var doomed = Enumerable.Range(1, 3).Select(n => tracker.Track(EventOf(user, n))).ToList();
        var kept = tracker.Track(Event(10));
        await WaitUntil(() => Volatile.Read(ref braze.Failed) >= 1);

        var deleted = await tracker.DeleteUsersAsync([user]).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, deleted.Deleted);
        Assert.Equal(3, deleted.PurgedItems);
        foreach (var handle in doomed)
        {
            var error = await Assert.ThrowsAsync<BrazeDeliveryException>(() => handle.Completion);
            Assert.Contains("deleted", error.Message, StringComparison.Ordinal);
        }

        braze.Failure = null;
        await kept.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        await tracker.FlushAsync();
        Assert.Equal([10], braze.Accepted.Distinct().Order());
        Assert.Equal(3, metrics["braze.objects.purged"]);
        Assert.Contains(f.Fake.Requests, r => r.Path.StartsWith("/users/delete", StringComparison.Ordinal) && r.Body.Contains("user-gone", StringComparison.Ordinal));
        Assert.Equal(0, tracker.PendingCount);

        // Tracked after the deletion: a new profile, sent as usual.
        await tracker.Track(EventOf(user, 4)).Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(4, braze.Accepted);
    }

    [Fact]
    public async Task A_deletion_purges_what_the_outbox_keeps_for_the_user_including_rows_not_claimed_yet()
    {
        var path = Path.Combine(_dir, "outbox.db");
        var user = UserId.External("user-gone");
        var braze = new FlakyBraze { Failure = "503" };
        using (var first = Fixture(o => o.MaxRetryAttempts = 0, outbox: path))
        {
            first.Fake.Responder = Responder(braze);
            var tracker = first.Provider.GetRequiredService<BrazeTracker>();
            foreach (var n in Enumerable.Range(1, 4))
            {
                _ = tracker.Track(EventOf(user, n));
            }

            _ = tracker.Track(Event(10));
            await WaitUntil(() => Volatile.Read(ref braze.Failed) >= 1);
            await tracker.StopAsync(CancellationToken.None); // all five kept in the outbox
        }

        // A queue of two places: most rows stay in the outbox, unclaimed, while Braze is down.
        using var second = Fixture(
            o =>
            {
                o.MaxRetryAttempts = 0;
                o.Tracker.MaxQueueSize = 2;
                o.Tracker.OutboxClaimInterval = TimeSpan.FromMilliseconds(50);
            },
            outbox: path);
        second.Fake.Responder = Responder(braze);
        var restarted = second.Provider.GetRequiredService<BrazeTracker>();
        await restarted.StartAsync(CancellationToken.None);

        var deleted = await restarted.DeleteUsersAsync([user]).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(4, deleted.PurgedItems);
        braze.Failure = null;
        await WaitUntil(() => braze.Accepted.Contains(10));
        await restarted.FlushAsync();
        Assert.Equal([10], braze.Accepted.Distinct().Order());
        Assert.Equal(0, (await restarted.GetOutboxStatsAsync())!.Count);
    }

    [Fact]
    public async Task A_claimed_item_waits_for_its_users_earlier_item_that_is_due_later()
    {
        var path = Path.Combine(_dir, "outbox.db");
        var user = UserId.External("user-ordered");
        using (var earlier = new SqliteOutbox(path))
        {
            var entries = OutboxEntry.From(new TrackRequest().Add(EventOf(user, 1)).Add(EventOf(user, 2)).Add(Event(3)));
            var ids = await earlier.AppendAsync(entries, CancellationToken.None);
            await earlier.DeferAsync([ids[0]], DateTimeOffset.UtcNow.AddSeconds(1), "503", CancellationToken.None); // item 1 is due in a second
        }

        var braze = new FlakyBraze();
        using var f = Fixture(outbox: path);
        f.Fake.Responder = Responder(braze);
        var tracker = f.Provider.GetRequiredService<BrazeTracker>();
        await tracker.StartAsync(CancellationToken.None);
        await WaitUntil(() => braze.Accepted.Contains(3)); // another user's item goes at once
        Assert.DoesNotContain(2, braze.Accepted); // not before item 1 of the same user

        await WaitUntil(() => braze.Accepted.Contains(1) && braze.Accepted.Contains(2));
        var order = f.Fake.Requests.SelectMany(r => Numbers(r.Body)).ToList();
        Assert.True(order.IndexOf(1) <= order.IndexOf(2), string.Join(",", order));
    }

    [Fact]
    public async Task A_deletion_through_the_client_purges_the_trackers_queue_too()
    {
        var braze = new FlakyBraze { Failure = "503" };
        using var f = Fixture(o => o.MaxRetryAttempts = 0);
        f.Fake.Responder = Responder(braze);
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();
        var user = UserId.Email("gone@example.com");
        var doomed = tracker.Track(EventOf(user, 1));
        await WaitUntil(() => Volatile.Read(ref braze.Failed) >= 1);

        var deleted = await f.Client.DeleteUsersAsync([user]);

        Assert.Equal(1, deleted.PurgedItems);
        await Assert.ThrowsAsync<BrazeDeliveryException>(() => doomed.Completion);
        using var body = JsonDocument.Parse(f.Fake.Requests.Single(r => r.Path.StartsWith("/users/delete", StringComparison.Ordinal)).Body);
        Assert.Equal("gone@example.com", body.RootElement.GetProperty("email_addresses")[0].GetProperty("email").GetString());
    }

    [Fact]
    public void A_user_key_names_every_kind_of_identifier_exactly_and_reads_back()
    {
        UserId[] users = [UserId.External("a:b"), UserId.Alias("name:x", "la:bel"), UserId.Alias("", ""), UserId.BrazeId("b1"), UserId.Email("e@x.io"), UserId.Phone("+14155552671")];
        Assert.Equal(users.Length, users.Select(u => u.Key).Distinct().Count());
        foreach (var user in users)
        {
            Assert.Equal(user, UserId.FromKey(user.Key));
        }

        Assert.Equal("user_alias:6:la:bel:name:x", UserId.Alias("name:x", "la:bel").Key);
        Assert.Null(UserId.FromKey("nothing"));
        Assert.Null(UserId.FromKey("user_alias:9:short"));
        Assert.Null(UserId.FromKey("user_alias:x:y"));
    }
}
