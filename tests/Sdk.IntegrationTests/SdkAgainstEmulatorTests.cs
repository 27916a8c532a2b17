using Braze.Tests;
using Braze.Emulator;
using Microsoft.Extensions.DependencyInjection;

using Braze.Tests.Audit;
using Microsoft.Extensions.Logging;

namespace Braze.IntegrationTests;

/// <summary>The SDK's client and tracker against the emulator, over real HTTP.</summary>
public sealed class SdkAgainstEmulatorTests
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    internal static ServiceProvider Services(BrazeEmulator emulator, Action<BrazeOptions>? configure = null, string? outboxPath = null)
    {
        var services = new ServiceCollection();
        if (outboxPath is not null)
        {
            services.AddBrazeSqliteOutbox(outboxPath);
        }

        // Every level, read by the test-wide secret watch.
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new AuditLoggerProvider()));
        services.AddBraze(o =>
        {
            o.ApiKey = emulator.ApiKey;
            o.BaseUrl = emulator.BaseUrl;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        });
        return services.BuildServiceProvider();
    }

    private static TrackEvent Event(string user, int n) => new(UserId.External(user), "rented_movie", s_time.AddSeconds(n), new BrazeProperties { { "n", n } });

    [Fact]
    public async Task An_array_longer_than_Braze_keeps_is_sent_with_a_warning_and_truncated_by_the_emulator()
    {
        await using var emulator = await BrazeEmulator.StartAsync();
        await using var provider = Services(emulator);
        var braze = provider.GetRequiredService<IBrazeClient>();
        var tags = Enumerable.Range(0, 501).Select(i => "t" + i).ToArray();

        var result = await braze.TrackAsync(new TrackRequest().Add(new AttributesUpdate(UserId.External("arr")).Set("tags", tags).SetCountry("Germany")));

        Assert.True(result.IsSuccess);
        Assert.Equal(["attributes[0].country", "attributes[0].tags"], result.Warnings.Select(w => w.Path).Order(StringComparer.Ordinal));
        var stored = (await braze.ExportUsersAsync(["arr"])).Users.Single().GetProperty("custom_attributes").GetProperty("tags");
        Assert.Equal(500, stored.GetArrayLength());
        Assert.Equal("t1", stored[0].GetString()); // the oldest value went first
    }

    [Fact]
    public async Task Track_a_large_request_and_read_the_profiles_back()
    {
        await using var emulator = await BrazeEmulator.StartAsync();
        await using var provider = Services(emulator);
        var braze = provider.GetRequiredService<IBrazeClient>();
        var request = new TrackRequest();
        for (var i = 0; i < 160; i++)
        {
            request.Add(Event($"u{i % 4}", i));
        }

        request.Add(new AttributesUpdate(UserId.External("u0")).SetFirstName("Ann").Increment("rentals", 3).AddToArray("genres", "noir", "drama"));
        request.Add(new Purchase(UserId.External("u1"), "popcorn", "USD", 4.5m, s_time) { Quantity = 2 });

        var result = await braze.TrackAsync(request);

        Assert.True(result.IsSuccess);
        Assert.Equal(3, result.RequestCount);
        Assert.Equal(160, result.EventsProcessed);
        var export = await braze.ExportUsersAsync(["u0", "u1"]);
        var u0 = export.Users.Single(u => u.GetProperty("external_id").GetString() == "u0");
        Assert.Equal(40, u0.GetProperty("custom_events")[0].GetProperty("count").GetInt32());
        Assert.Equal("Ann", u0.GetProperty("first_name").GetString());
        Assert.Equal(3, u0.GetProperty("custom_attributes").GetProperty("rentals").GetInt32());
        var u1 = export.Users.Single(u => u.GetProperty("external_id").GetString() == "u1");
        Assert.Equal(2, u1.GetProperty("purchases")[0].GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Schedule_update_and_delete_a_canvas_and_a_campaign()
    {
        await using var emulator = await BrazeEmulator.StartAsync();
        await using var provider = Services(emulator);
        var braze = provider.GetRequiredService<IBrazeClient>();

        var canvas = await braze.ScheduleCanvasAsync("canvas-1", [UserId.External("u1"), UserId.Alias("n", "crm")], Schedule.AtLocalTime(SoonDates.WallClock(10, 9)),
            new BrazeProperties { { "coupon_code", "WELCOME10" } });
        await braze.UpdateCanvasScheduleAsync("canvas-1", canvas.ScheduleId, Schedule.At(SoonDates.At(11, 9)));
        var listed = await braze.ListScheduledBroadcastsAsync(SoonDates.At(73, 0));
        Assert.Equal(SoonDates.At(11, 9), Assert.Single(listed).NextSendTime);
        await braze.DeleteCanvasScheduleAsync("canvas-1", canvas.ScheduleId);
        var missing = await Assert.ThrowsAsync<BrazeApiException>(() => braze.DeleteCanvasScheduleAsync("canvas-1", canvas.ScheduleId));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);

        var campaign = await braze.ScheduleCampaignAsync("campaign-1", [UserId.External("u1")], Schedule.AtOptimalTime(SoonDates.Date(13)), new BrazeProperties { { "sku", "A1" } });
        await braze.DeleteCampaignScheduleAsync("campaign-1", campaign.ScheduleId);
        Assert.Empty(await emulator.Store.SchedulesAsync());
    }

    [Fact]
    public async Task Export_by_alias_email_and_phone_with_chosen_fields()
    {
        await using var emulator = await BrazeEmulator.StartAsync();
        await using var provider = Services(emulator);
        var braze = provider.GetRequiredService<IBrazeClient>();
        await braze.TrackAsync(new TrackRequest()
            .Add(AttributesUpdate.CreateAliasOnlyProfile("guest-1", "kiosk").Set("tier", "gold"))
            .Add(new AttributesUpdate(UserId.External("x1")).SetEmail("x1@example.com").SetPhone("+4915112345678").Set("tier", "silver")));

        var byAlias = await braze.ExportUsersAsync(new UsersExportRequest(UserId.Alias("guest-1", "kiosk")));
        Assert.Equal("gold", Assert.Single(byAlias.Users).GetProperty("custom_attributes").GetProperty("tier").GetString());

        var byContact = await braze.ExportUsersAsync(new UsersExportRequest(UserId.Email("x1@example.com"), UserId.Phone("+4915112345678")) { FieldsToExport = ["external_id"] });
        var only = Assert.Single(byContact.Users);
        Assert.Equal("x1", only.GetProperty("external_id").GetString());
        Assert.Single(only.EnumerateObject());

        var invalid = await Assert.ThrowsAsync<BrazeValidationException>(() => braze.ExportUsersAsync(new UsersExportRequest(UserId.Email("a@example.com"), UserId.Email("b@example.com"))));
        Assert.Equal("email_address", Assert.Single(invalid.Errors).Path);
    }

    [Fact]
    public async Task Push_tokens_are_added_to_a_user_and_imported_anonymously_once()
    {
        await using var emulator = await BrazeEmulator.StartAsync();
        await using var provider = Services(emulator);
        var braze = provider.GetRequiredService<IBrazeClient>();

        await braze.TrackAsync(new TrackRequest().Add(new AttributesUpdate(UserId.External("p1")).AddPushTokens(new PushToken("app", "t1"))));
        await braze.TrackAsync(new TrackRequest().Add(new AttributesUpdate(UserId.External("p1")).AddPushTokens(new PushToken("app", "t2", "device"))));
        var profile = await emulator.Store.GetProfileAsync("p1");
        Assert.Equal(["t1", "t2"], profile!["push_tokens"]!.AsArray().Select(t => t!["token"]!.GetValue<string>()));

        var before = await emulator.Store.ProfileCountAsync();
        var first = await braze.TrackAsync(new TrackRequest().Add(AttributesUpdate.ImportAnonymousPushTokens(new PushToken("app", "anon-1"))));
        var again = await braze.TrackAsync(new TrackRequest().Add(AttributesUpdate.ImportAnonymousPushTokens(new PushToken("app", "anon-1"))));
        Assert.Equal(1, first.AttributesProcessed);
        Assert.Equal(0, again.AttributesProcessed);   // Braze ignores tokens it already has
        Assert.Equal(before + 1, await emulator.Store.ProfileCountAsync());
    }

    [Theory]
    [InlineData(nameof(FaultSettings.DropAfterApply))]
    [InlineData(nameof(FaultSettings.InternalError))]
    public async Task A_schedule_create_with_an_unknown_outcome_is_not_retried(string fault)
    {
        // Braze has no idempotency key: a retried create after a lost answer would schedule the message twice.
        var faults = new FaultSettings { PathPrefix = "/canvas/trigger/schedule/create" };
        typeof(FaultSettings).GetProperty(fault)!.SetValue(faults, 1.0);
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { Faults = faults });
        await using var provider = Services(emulator);
        var braze = provider.GetRequiredService<IBrazeClient>();

        var error = await Assert.ThrowsAsync<BrazeApiException>(() => braze.ScheduleCanvasAsync("canvas-1", [UserId.External("u1")], Schedule.At(SoonDates.At(10, 9))));

        Assert.Single(emulator.Requests, r => r.Path.StartsWith("/canvas/trigger/schedule/create", StringComparison.Ordinal));
        Assert.Equal(fault == nameof(FaultSettings.DropAfterApply), error.IsOutcomeUnknown);
        Assert.Equal(fault == nameof(FaultSettings.DropAfterApply) ? 1 : 0, (await emulator.Store.SchedulesAsync()).Count);
    }

    [Fact]
    public async Task Honouring_the_rate_limit_headers_causes_no_429()
    {
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { TrackRequestsPerWindow = 15, TrackWindow = TimeSpan.FromSeconds(1) });
        await using var provider = Services(emulator, o => o.Validation.MaxObjectsPerRequest = 1);
        var braze = provider.GetRequiredService<IBrazeClient>();
        var request = new TrackRequest();
        for (var i = 0; i < 40; i++)
        {
            request.Add(Event("paced", i));
        }

        var result = await braze.TrackAsync(request);

        Assert.True(result.IsSuccess);
        Assert.Equal(40, result.RequestCount);
        Assert.DoesNotContain(emulator.Requests, r => r.Status == 429);
    }

    [Fact]
    public async Task Every_fault_mode_is_retried_until_accepted()
    {
        // A short window: an injected 429 makes the client pause until the window's reset, as it should.
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions
        {
            TrackWindow = TimeSpan.FromMilliseconds(250),
            Faults = new FaultSettings { Seed = 7, RateLimited = 0.1, InternalError = 0.1, BadGateway = 0.05, Unavailable = 0.05, DropBeforeApply = 0.05, Latency = 0.1, LatencyMilliseconds = 30 },
        });
        await using var provider = Services(emulator, o =>
        {
            o.Validation.MaxObjectsPerRequest = 5;
            o.MaxRetryAttempts = 20;
        });
        var braze = provider.GetRequiredService<IBrazeClient>();
        var request = new TrackRequest();
        for (var i = 0; i < 200; i++)
        {
            request.Add(Event("faulty", i));
        }

        var result = await braze.TrackAsync(request);

        Assert.True(result.IsSuccess);
        Assert.Contains(emulator.Requests, r => r.Fault is not null);
        var counts = await emulator.Store.CountsAsync();
        Assert.Equal(200, counts.Events);
    }

    [Fact]
    public async Task Braze_minor_errors_map_back_to_the_callers_objects()
    {
        // The emulator is stricter than the client here, so it rejects an object the client let through.
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { Validation = new BrazeValidationOptions { MaxStringLength = 10 } });
        await using var provider = Services(emulator, o => o.MaxConcurrentRequests = 1);
        var braze = provider.GetRequiredService<IBrazeClient>();
        var request = new TrackRequest();
        for (var i = 0; i < 100; i++)
        {
            request.Add(new TrackEvent(UserId.External("m"), "e", s_time, new BrazeProperties { { "s", i == 80 ? "a string longer than ten" : "short" } }));
        }

        var result = await braze.TrackAsync(request);

        var error = Assert.Single(result.Errors);
        Assert.Equal((TrackArray.Events, 80), (error.Array, error.Index!.Value));
        Assert.Contains("at most 10", error.Message, StringComparison.Ordinal);
        Assert.Equal(99, result.EventsProcessed);
    }

    [Fact]
    public async Task A_wrong_key_fails_with_401_and_never_shows_the_key()
    {
        await using var emulator = await BrazeEmulator.StartAsync();
        await using var provider = Services(emulator, o => o.ApiKey = "not-the-key-123");
        var braze = provider.GetRequiredService<IBrazeClient>();

        var ex = await Assert.ThrowsAsync<BrazeTrackException>(() => braze.TrackAsync(new TrackRequest().Add(Event("k", 1))));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, ex.Result.Failures[0].Exception.StatusCode);
        Assert.DoesNotContain("not-the-key-123", ex.ToString(), StringComparison.Ordinal);
        Assert.Single(emulator.Requests);
    }

    [Fact]
    public async Task The_tracker_delivers_through_the_same_pipeline()
    {
        await using var emulator = await BrazeEmulator.StartAsync();
        await using var provider = Services(emulator, o => o.Tracker.FlushInterval = TimeSpan.FromMilliseconds(20));
        var tracker = provider.GetRequiredService<IBrazeTracker>();
        var handles = Enumerable.Range(0, 300).Select(i => tracker.Track(Event("t", i))).ToList();
        handles.Add(tracker.Track(new AttributesUpdate(UserId.External("t")).Increment("n", 1)));
        await tracker.FlushAsync();
        Assert.All(handles, h => Assert.True(h.Completion.IsCompletedSuccessfully));
        Assert.Equal(300, (await emulator.Store.CountsAsync()).Events);
        var export = await provider.GetRequiredService<IBrazeClient>().ExportUsersAsync(["t"]);
        Assert.Equal(1, export.Users[0].GetProperty("custom_attributes").GetProperty("n").GetInt32());
    }
}
