using System.Net;
using System.Text;
using System.Text.Json;
using Braze.Emulator;
using Microsoft.Extensions.DependencyInjection;

namespace Braze.IntegrationTests;

/// <summary>The identity and GDPR endpoints over HTTP: the SDK's client against the emulator, which applies each to stored profiles.</summary>
public sealed class IdentityTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private BrazeEmulator _emulator = null!;
    private ServiceProvider _provider = null!;
    private IBrazeClient _braze = null!;

    public async Task InitializeAsync()
    {
        _emulator = await BrazeEmulator.StartAsync();
        _provider = SdkAgainstEmulatorTests.Services(_emulator);
        _braze = _provider.GetRequiredService<IBrazeClient>();
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private async Task<JsonElement?> Profile(string externalId)
    {
        var export = await _braze.ExportUsersAsync([externalId]);
        return export.Users.Count == 0 ? null : export.Users[0];
    }

    private static int Custom(JsonElement profile, string name) => profile.GetProperty("custom_attributes").GetProperty(name).GetInt32();

    [Fact]
    public async Task An_alias_only_profile_is_identified_and_keeps_its_data()
    {
        Assert.Equal(1, await _braze.CreateAliasesAsync([new NewUserAlias("anon-1", "device")]));
        await _braze.TrackAsync(new TrackRequest()
            .Add(new AttributesUpdate(UserId.Alias("anon-1", "device")).Set("visits", 2))
            .Add(new TrackEvent(UserId.Alias("anon-1", "device"), "opened", s_time)));

        Assert.Equal(1, await _braze.IdentifyUsersAsync([new UserIdentification("ident-1", UserId.Alias("anon-1", "device"))]));

        var profile = (await Profile("ident-1"))!.Value;
        Assert.Equal(2, Custom(profile, "visits"));
        Assert.Equal(1, profile.GetProperty("custom_events")[0].GetProperty("count").GetInt32());
        Assert.Equal("anon-1", profile.GetProperty("user_aliases")[0].GetProperty("alias_name").GetString());
    }

    [Theory]
    [InlineData(MergeBehavior.Merge)]
    [InlineData(MergeBehavior.None)]
    public async Task Identifying_into_a_known_user_merges_or_only_links_the_alias(MergeBehavior behavior)
    {
        var known = $"known-{behavior}";
        var alias = UserId.Alias($"anon-{behavior}", "device");
        await _braze.TrackAsync(new AttributesUpdate(UserId.External(known)).Set("plan", 1));
        await _braze.CreateAliasesAsync([new NewUserAlias(alias.Value, alias.AliasLabel!)]);
        await _braze.TrackAsync(new TrackRequest().Add(new AttributesUpdate(alias).Set("plan", 9).Set("color", 3)).Add(new TrackEvent(alias, "browsed", s_time)));

        await _braze.IdentifyUsersAsync([new UserIdentification(known, alias)], behavior);

        var profile = (await Profile(known))!.Value;
        Assert.Equal(1, Custom(profile, "plan")); // the known user wins conflicts
        Assert.Equal(behavior == MergeBehavior.Merge, profile.GetProperty("custom_attributes").TryGetProperty("color", out _));
        Assert.Equal(behavior == MergeBehavior.Merge ? 1 : 0, profile.GetProperty("custom_events").GetArrayLength());
        Assert.Equal(alias.Value, profile.GetProperty("user_aliases")[0].GetProperty("alias_name").GetString());
        Assert.Null(await _emulator.Store.GetProfileByAliasAsync("nothing", "here"));
    }

    [Fact]
    public async Task A_renamed_id_is_found_under_its_new_name_and_the_old_one_works_until_removed()
    {
        await _braze.TrackAsync(new AttributesUpdate(UserId.External("old-id")).Set("n", 1));
        var renamed = await _braze.RenameExternalIdsAsync([new ExternalIdRename("old-id", "new-id"), new ExternalIdRename("missing", "other")]);
        Assert.Equal(["new-id"], renamed.Succeeded);
        Assert.Contains("missing", Assert.Single(renamed.Errors), StringComparison.Ordinal);

        await _braze.TrackAsync(new AttributesUpdate(UserId.External("old-id")).Set("n", 2)); // the deprecated id still targets the user
        Assert.Equal(2, Custom((await Profile("new-id"))!.Value, "n"));

        var removed = await _braze.RemoveExternalIdsAsync(["new-id", "old-id"]);
        Assert.Equal(["old-id"], removed.Succeeded);
        Assert.Contains("current external id", Assert.Single(removed.Errors), StringComparison.Ordinal);
        Assert.Equal(["old-id"], (await _braze.ExportUsersAsync(["old-id"])).InvalidUserIds);
    }

    [Fact]
    public async Task A_merge_moves_data_to_the_kept_profile_which_wins_conflicts()
    {
        await _braze.TrackAsync(new TrackRequest()
            .Add(new AttributesUpdate(UserId.External("merge-from")).Set("tier", 1).Set("pets", 2))
            .Add(new Purchase(UserId.External("merge-from"), "sku", "USD", 1m, s_time))
            .Add(new AttributesUpdate(UserId.External("merge-into")).Set("tier", 5)));

        await _braze.MergeUsersAsync([new UserMerge(UserId.External("merge-from"), UserId.External("merge-into"))]);

        var kept = (await Profile("merge-into"))!.Value;
        Assert.Equal(5, Custom(kept, "tier"));
        Assert.Equal(2, Custom(kept, "pets"));
        Assert.Equal(1, kept.GetProperty("purchases").GetArrayLength());
        Assert.Null(await Profile("merge-from"));
    }

    [Fact]
    public async Task Deleted_profiles_no_longer_export_by_any_identifier()
    {
        await _braze.TrackAsync(new TrackRequest()
            .Add(new AttributesUpdate(UserId.External("gdpr-1")).Set("x", 1))
            .Add(new AttributesUpdate(UserId.Email("gdpr@example.com")).Set("x", 2)));
        await _braze.CreateAliasesAsync([new NewUserAlias("gdpr-alias", "crm")]);

        var deleted = await _braze.DeleteUsersAsync([UserId.External("gdpr-1"), UserId.Alias("gdpr-alias", "crm"), UserId.Email("gdpr@example.com"), UserId.External("never-existed")]);

        Assert.Equal(3, deleted.Deleted);
        Assert.Equal(0, deleted.PurgedItems);
        Assert.Null(await Profile("gdpr-1"));
        Assert.Empty((await _braze.ExportUsersAsync(new UsersExportRequest(UserId.Email("gdpr@example.com")))).Users);
        Assert.Null(await _emulator.Store.GetProfileByAliasAsync("gdpr-alias", "crm"));
    }

    [Fact]
    public async Task Fifty_items_go_and_a_fifty_first_is_refused_before_sending()
    {
        Assert.Equal(50, await _braze.CreateAliasesAsync(Enumerable.Range(0, 50).Select(i => new NewUserAlias($"a{i}", "bulk"))));
        var before = _emulator.RequestCount;
        var error = await Assert.ThrowsAsync<BrazeValidationException>(() => _braze.DeleteUsersAsync(Enumerable.Range(0, 51).Select(i => UserId.External($"d{i}"))));
        Assert.Equal("too_many_objects", Assert.Single(error.Errors).Code);
        await Assert.ThrowsAsync<BrazeValidationException>(() => _braze.MergeUsersAsync([]));
        await Assert.ThrowsAsync<BrazeValidationException>(() => _braze.MergeUsersAsync([new UserMerge(UserId.BrazeId("b"), UserId.External("k"))]));
        Assert.Equal(before, _emulator.RequestCount);
    }

    [Theory]
    [InlineData("/users/alias/new", """{"user_aliases":[]}""", "user_aliases")]
    [InlineData("/users/identify", """{"aliases_to_identify":[{"external_id":"","user_alias":{"alias_name":"n","alias_label":"l"}}]}""", "aliases_to_identify[0].external_id")]
    [InlineData("/users/identify", """{"aliases_to_identify":[{"external_id":"x","user_alias":{"alias_name":"n","alias_label":"l"}}],"merge_behavior":"all"}""", "merge_behavior")]
    [InlineData("/users/merge", """{"merge_updates":[{"identifier_to_merge":{"braze_id":"b"},"identifier_to_keep":{"external_id":"k"}}]}""", "merge_updates[0].identifier_to_merge")]
    [InlineData("/users/external_ids/remove", """{"external_ids":"x"}""", "external_ids")]
    public async Task The_emulator_refuses_what_Braze_refuses_with_a_400_naming_the_path(string path, string body, string errorPath)
    {
        using var http = EmulatorHttpTests.Client(_emulator);
        using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(errorPath + ":", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identity_endpoints_need_the_key()
    {
        using var http = EmulatorHttpTests.Client(_emulator, key: "wrong");
        using var response = await http.PostAsync("/users/delete", new StringContent("""{"external_ids":["x"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_trigger_send_returns_its_dispatch_id_and_is_validated_like_a_schedule()
    {
        var dispatch = await _braze.TriggerSendAsync(new TriggerSendRequest(ScheduleTarget.Canvas, "welcome") { Recipients = [UserId.External("u1")], Context = new BrazeProperties { { "coupon", "X1" } } });
        Assert.False(string.IsNullOrEmpty(dispatch));
        Assert.False(string.IsNullOrEmpty(await _braze.TriggerSendAsync(new TriggerSendRequest(ScheduleTarget.Campaign, "promo") { Broadcast = true })));
        var nobody = await Assert.ThrowsAsync<BrazeValidationException>(() => _braze.TriggerSendAsync(new TriggerSendRequest(ScheduleTarget.Canvas, "welcome")));
        Assert.Equal(("recipients", "recipients_required"), (nobody.Errors.Single().Path, nobody.Errors.Single().Code));
        var many = await Assert.ThrowsAsync<BrazeValidationException>(() => _braze.TriggerSendAsync(new TriggerSendRequest(ScheduleTarget.Canvas, "welcome")
        {
            Recipients = [.. Enumerable.Range(0, 51).Select(i => (Recipient)UserId.External($"u{i}"))],
        }));
        Assert.Equal("too_many_recipients", many.Errors.Single().Code);

        using var http = EmulatorHttpTests.Client(_emulator);
        using var response = await http.PostAsync("/campaigns/trigger/send", new StringContent("""{"campaign_id":"k","broadcast":true,"recipients":[{"external_user_id":"u"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Subscription_states_are_set_per_group_and_show_in_the_export()
    {
        await _braze.TrackAsync(new TrackRequest()
            .Add(new AttributesUpdate(UserId.External("sub-1")).SetSubscriptionGroups(new SubscriptionGroupChange("weekly", subscribed: true)))
            .Add(new AttributesUpdate(UserId.External("sub-2")).SetEmail("sub2@example.com")));

        await _braze.SetSubscriptionStatusAsync(
        [
            new SubscriptionStatusUpdate(new SubscriptionGroupChange("promo", subscribed: true), [UserId.External("sub-1"), UserId.Email("sub2@example.com")]),
            new SubscriptionStatusUpdate(new SubscriptionGroupChange("weekly", subscribed: false), [UserId.External("sub-1")]),
        ]);

        string States(JsonElement profile) => string.Join(",", profile.GetProperty("subscription_groups").EnumerateArray()
            .Select(g => $"{g.GetProperty("subscription_group_id").GetString()}={g.GetProperty("subscription_state").GetString()}").Order(StringComparer.Ordinal));
        Assert.Equal("promo=subscribed,weekly=unsubscribed", States((await Profile("sub-1"))!.Value));
        Assert.Equal("promo=subscribed", States((await Profile("sub-2"))!.Value));

        var mixed = await Assert.ThrowsAsync<BrazeValidationException>(() => _braze.SetSubscriptionStatusAsync(
            [new SubscriptionStatusUpdate(new SubscriptionGroupChange("promo", subscribed: true), [UserId.Email("a@example.com"), UserId.Phone("+14155552671")])]));
        Assert.Equal(("subscription_groups[0]", "not_allowed"), (mixed.Errors.Single().Path, mixed.Errors.Single().Code));
    }

    [Fact]
    public async Task Track_sync_answers_with_the_profile_after_the_update_and_takes_one_object()
    {
        await _braze.TrackAsync(new AttributesUpdate(UserId.External("sync-1")).Set("level", 1));
        var profile = await _braze.TrackSyncAsync(new TrackRequest().Add(new AttributesUpdate(UserId.External("sync-1")).Increment("level", 2)));
        Assert.Equal(3, Custom(profile, "level"));
        Assert.Equal("sync-1", profile.GetProperty("external_id").GetString());

        var two = await Assert.ThrowsAsync<BrazeValidationException>(() => _braze.TrackSyncAsync(new TrackRequest()
            .Add(new TrackEvent(UserId.External("sync-1"), "a", s_time)).Add(new TrackEvent(UserId.External("sync-1"), "b", s_time))));
        Assert.Equal("too_many_objects", two.Errors.Single().Code);

        using var http = EmulatorHttpTests.Client(_emulator);
        using var response = await http.PostAsync("/users/track/sync", new StringContent("""{"events":[{"external_id":"sync-1","name":"","time":"2024-01-01T00:00:00Z"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode); // synchronous: an invalid object is no minor error
    }

    [Fact]
    public async Task Through_the_tracker_a_track_by_alias_never_lands_before_the_alias_even_when_the_alias_call_is_slow_and_fails()
    {
        // Latency and 503s on /users/alias only: the SDK retries the alias while the tracker holds the items by it.
        _emulator.Faults = new FaultSettings { Seed = 3, Unavailable = 0.4, Latency = 0.5, LatencyMilliseconds = 150, PathPrefix = "/users/alias" };
        var tracker = _provider.GetRequiredService<IBrazeTracker>();
        const int Users = 20;
        for (var i = 0; i < Users; i++)
        {
            await _braze.TrackAsync(new AttributesUpdate(UserId.External($"ordered-{i}")).Set("known", true));
        }

        var operations = new List<Task>();
        var handles = new List<TrackHandle>();
        for (var i = 0; i < Users; i++)
        {
            operations.Add(tracker.CreateAliasesAsync([new NewUserAlias($"device-{i}", "device", $"ordered-{i}")]));
            handles.Add(tracker.Track(new AttributesUpdate(UserId.Alias($"device-{i}", "device")).Set("n", i)));
        }

        await Task.WhenAll(operations.Concat(handles.Select(h => h.Completion))).WaitAsync(TimeSpan.FromSeconds(60));
        _emulator.Faults = new FaultSettings();

        // The emulator drops an update by an alias it does not know: every profile has its value only if each alias came first.
        for (var i = 0; i < Users; i++)
        {
            Assert.Equal(i, Custom((await Profile($"ordered-{i}"))!.Value, "n"));
        }

        var log = _emulator.Requests.ToList();
        Assert.Contains(log, r => r.Path.StartsWith("/users/alias/new", StringComparison.Ordinal) && r.Fault is not null);
        for (var i = 0; i < Users; i++)
        {
            var alias = log.FindIndex(r => r.Path.StartsWith("/users/alias/new", StringComparison.Ordinal) && r.Status is >= 200 and < 300 && r.Body!.Contains($"\"device-{i}\"", StringComparison.Ordinal));
            var track = log.FindIndex(r => r.Path.StartsWith("/users/track", StringComparison.Ordinal) && r.Body!.Contains($"\"device-{i}\"", StringComparison.Ordinal));
            Assert.True(alias >= 0 && track > alias, $"device-{i}: alias answered at {alias}, first track at {track}");
        }
    }

    [Fact]
    public async Task Deleting_through_the_tracker_purges_the_users_queued_items_so_the_profile_stays_deleted()
    {
        var outbox = Path.Combine(Path.GetTempPath(), $"braze-gdpr-{Guid.NewGuid():N}.db");
        await using var provider = SdkAgainstEmulatorTests.Services(_emulator, outboxPath: outbox);
        var tracker = provider.GetRequiredService<IBrazeTracker>();
        await _braze.TrackAsync(new AttributesUpdate(UserId.External("gdpr-queued")).Set("x", 1));
        _emulator.Faults = new FaultSettings { Unavailable = 1 }; // /users/track is down: the items wait in the queue
        var queued = Enumerable.Range(0, 5).Select(i => tracker.Track(new TrackEvent(UserId.External("gdpr-queued"), "clicked", s_time.AddSeconds(i)))).ToList();
        var other = tracker.Track(new AttributesUpdate(UserId.External("gdpr-other")).Set("x", 2));
        await Task.Delay(300);

        var deleted = await tracker.DeleteUsersAsync([UserId.External("gdpr-queued")]).WaitAsync(TimeSpan.FromSeconds(30));
        _emulator.Faults = new FaultSettings();
        await other.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        await tracker.FlushAsync();

        Assert.Equal(1, deleted.Deleted);
        Assert.Equal(5, deleted.PurgedItems);
        Assert.All(queued, h => Assert.True(h.Completion.IsFaulted));
        Assert.Null(await Profile("gdpr-queued")); // no late item created it again
        Assert.NotNull(await Profile("gdpr-other"));
        await provider.GetRequiredService<BrazeTracker>().StopAsync(CancellationToken.None);
        using (var stored = new SqliteOutbox(outbox))
        {
            Assert.Equal(0, (await stored.GetStatsAsync(CancellationToken.None)).Count); // nothing of theirs left to send on a restart
        }

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(outbox)!, Path.GetFileName(outbox) + "*"))
        {
            File.Delete(file);
        }
    }
}
