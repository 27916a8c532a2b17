using System.Net;
using Braze.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Braze.Tests.Testing;

/// <summary>Braze.Sdk.Testing: the SDK's real client and tracker over an in-memory Braze that records and answers as told.</summary>
public sealed class InMemoryBrazeTests
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static TrackEvent Rented(string user, string movie) => new(UserId.External(user), "rented_movie", s_time, new BrazeProperties { { "movie", movie } });

    [Fact]
    public async Task What_the_client_sends_is_recorded_as_wire_json_and_as_objects()
    {
        await using var braze = new InMemoryBraze();
        var result = await braze.Client.TrackAsync(new TrackRequest()
            .Add(Rented("u1", "The Sad Egg"))
            .Add(new Purchase(UserId.External("u1"), "sku-42", "USD", 4.99m, s_time))
            .Add(new AttributesUpdate(UserId.Email("ann@example.com")).Set("plan", "gold")));

        Assert.Equal((1, 1, 1), (result.AttributesProcessed, result.EventsProcessed, result.PurchasesProcessed));
        var request = Assert.Single(braze.Requests);
        Assert.Equal("/users/track", request.Path);
        Assert.Equal(HttpStatusCode.Created, request.Status);
        Assert.Contains("\"rented_movie\"", request.Body, StringComparison.Ordinal);
        var rented = Assert.Single(braze.Events);
        Assert.Equal(("rented_movie", UserId.External("u1")), (rented.Name, rented.User));
        Assert.Equal("The Sad Egg", rented.Property("movie")!.Value.GetString());
        Assert.Equal("sku-42", Assert.Single(braze.Purchases).Name);
        Assert.Equal("gold", Assert.Single(braze.Attributes)["plan"]!.Value.GetString());
    }

    [Fact]
    public async Task It_validates_exactly_like_the_real_client_and_records_nothing_refused()
    {
        await using var braze = new InMemoryBraze();
        var error = await Assert.ThrowsAsync<BrazeValidationException>(() => braze.Client.TrackAsync(new TrackEvent(UserId.External("u1"), "", s_time)));
        Assert.Equal("events[0].name", Assert.Single(error.Errors).Path);
        var admitted = Assert.Throws<BrazeValidationException>(() => braze.Tracker.Track(new TrackEvent(UserId.External(""), "e", s_time)));
        Assert.Equal("event.external_id", Assert.Single(admitted.Errors).Path);
        Assert.Empty(braze.Requests);
    }

    [Fact]
    public async Task A_minor_error_names_the_object_Braze_did_not_apply()
    {
        await using var braze = new InMemoryBraze();
        braze.AnswerNext(BrazeAnswer.MinorError(TrackArray.Events, 1, "Invalid time"));
        var result = await braze.Client.TrackAsync(new TrackRequest().Add(Rented("u1", "a")).Add(Rented("u2", "b")));

        var error = Assert.Single(result.Errors);
        Assert.Equal((TrackArray.Events, 1, "Invalid time"), (error.Array, error.Index, error.Message));
        Assert.True(result.IsAccepted(TrackArray.Events, 0));
        Assert.False(result.IsAccepted(TrackArray.Events, 1));
        Assert.Equal(UserId.External("u1"), Assert.Single(braze.Events).User);
    }

    [Fact]
    public async Task Server_errors_and_429s_are_retried_as_with_Braze()
    {
        await using var braze = new InMemoryBraze();
        braze.AnswerNext(BrazeAnswer.ServerError(), BrazeAnswer.RateLimited, BrazeAnswer.ServerError(HttpStatusCode.BadGateway));
        var result = await braze.Client.TrackAsync(Rented("u1", "a"));

        Assert.Equal(1, result.EventsProcessed);
        Assert.Equal(["503", "rate limited", "502", "accepted"], braze.Requests.Select(r => r.Answer.Name));
    }

    [Fact]
    public async Task An_outage_fails_the_client_call_and_the_tracker_keeps_the_item_until_Braze_is_back()
    {
        await using var braze = new InMemoryBraze(o => o.MaxRetryAttempts = 1);
        braze.Answer = BrazeAnswer.Outage;
        var failed = await Assert.ThrowsAsync<BrazeTrackException>(() => braze.Client.TrackAsync(Rented("u1", "a")));
        Assert.False(Assert.Single(failed.Result.Failures).Exception.IsOutcomeUnknown); // refused: nothing reached Braze

        var handle = braze.Tracker.Track(Rented("u2", "b"));
        await braze.Tracker.FlushAsync();
        Assert.False(handle.IsCompleted);
        Assert.Equal(1, braze.Tracker.PendingCount);

        braze.Answer = BrazeAnswer.Accepted;
        await handle.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(UserId.External("u2"), Assert.Single(braze.Events).User);
    }

    [Fact]
    public async Task A_refused_key_is_a_401_the_client_reports()
    {
        await using var braze = new InMemoryBraze();
        braze.Answer = BrazeAnswer.Unauthorized;
        var failed = await Assert.ThrowsAsync<BrazeTrackException>(() => braze.Client.TrackAsync(Rented("u1", "a")));
        Assert.Equal(HttpStatusCode.Unauthorized, Assert.Single(failed.Result.Failures).Exception.StatusCode);
    }

    private sealed class Checkout(IBrazeTracker tracker)
    {
        public void Complete(string customer, string sku) => tracker.Track(new Purchase(UserId.External(customer), sku, "EUR", 10m, s_time));
    }

    [Fact]
    public async Task A_service_under_test_gets_the_in_memory_Braze_through_dependency_injection()
    {
        var braze = new InMemoryBraze();
        var services = new ServiceCollection().AddSingleton<Checkout>();
        services.AddInMemoryBraze(braze);
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<Checkout>().Complete("c1", "sku-42");
        await provider.GetRequiredService<IBrazeTracker>().FlushAsync();

        Assert.Same(braze, provider.GetRequiredService<InMemoryBraze>());
        var purchase = Assert.Single(braze.Purchases);
        Assert.Equal(("sku-42", UserId.External("c1")), (purchase.Name, purchase.User));
        Assert.Equal(10m, purchase["price"]!.Value.GetDecimal());
    }

    [Fact]
    public async Task Identity_and_scheduling_calls_are_answered_and_recorded()
    {
        await using var braze = new InMemoryBraze();
        Assert.Equal(2, (await braze.Client.DeleteUsersAsync([UserId.External("a"), UserId.Email("b@example.com")])).Deleted);
        Assert.Equal(1, await braze.Client.CreateAliasesAsync([new NewUserAlias("n", "l")]));
        var renamed = await braze.Client.RenameExternalIdsAsync([new ExternalIdRename("old", "new")]);
        Assert.Equal(["new"], renamed.Succeeded);
        var scheduled = await braze.Client.ScheduleAsync(new ScheduleRequest(ScheduleTarget.Canvas, "canvas-1", Schedule.At(DateTimeOffset.UtcNow.AddDays(1))) { Broadcast = true });
        Assert.False(string.IsNullOrEmpty(scheduled.ScheduleId.Value));
        Assert.Equal(["/users/delete", "/users/alias/new", "/users/external_ids/rename", "/canvas/trigger/schedule/create"], braze.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Results_and_handles_for_mocks()
    {
        var result = BrazeTestFactory.TrackResult(eventsProcessed: 2);
        Assert.True(result.IsSuccess);
        Assert.Equal(2, result.EventsProcessed);

        await BrazeTestFactory.DeliveredHandle();
        var failure = new BrazeDeliveryException("no");
        Assert.Same(failure, await Assert.ThrowsAsync<BrazeDeliveryException>(() => BrazeTestFactory.FailedHandle(failure).Completion));

        var pending = BrazeTestFactory.PendingHandle();
        Assert.False(pending.Handle.IsCompleted);
        pending.Deliver();
        await pending.Handle.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Throws<InvalidOperationException>(pending.Deliver);
    }
}
