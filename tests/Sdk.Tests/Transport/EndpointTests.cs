using System.Net;
using Braze.Tests.Support;
using Braze.Transport;
using Polly;

namespace Braze.Tests.Transport;

/// <summary>The endpoint table is what the retry policy and the pacer go by, and it matches what is actually sent.</summary>
public sealed class EndpointTests
{
    public static TheoryData<HttpStatusCode> AmbiguousStatuses => new() { HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout, HttpStatusCode.RequestTimeout };

    [Fact]
    public void Schedule_creates_and_trigger_sends_are_the_endpoints_not_repeatable_after_an_ambiguous_failure()
        => Assert.Equal(
            [BrazeEndpoints.CanvasScheduleCreate, BrazeEndpoints.CampaignScheduleCreate, BrazeEndpoints.CanvasTriggerSend, BrazeEndpoints.CampaignTriggerSend],
            BrazeEndpoints.All.Where(e => !e.RepeatableAfterAmbiguousFailure));

    [Theory]
    [MemberData(nameof(AmbiguousStatuses))]
    public void A_non_repeatable_endpoint_is_never_retried_after_a_status_that_may_have_reached_Braze(HttpStatusCode status)
    {
        foreach (var endpoint in BrazeEndpoints.All)
        {
            var retried = BrazeRetryPolicy.ShouldRetry(Outcome.FromResult(new HttpResponseMessage(status)), endpoint);
            Assert.True(retried == endpoint.RepeatableAfterAmbiguousFailure, $"{endpoint} after {(int)status}: retried {retried}");
        }
    }

    [Fact]
    public void A_non_repeatable_endpoint_is_retried_only_when_Braze_certainly_did_not_process_it()
    {
        foreach (var endpoint in BrazeEndpoints.All.Where(e => !e.RepeatableAfterAmbiguousFailure))
        {
            Assert.True(BrazeRetryPolicy.ShouldRetry(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.TooManyRequests)), endpoint));
            Assert.True(BrazeRetryPolicy.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "refused")), endpoint));
            Assert.False(BrazeRetryPolicy.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ResponseEnded, "dropped")), endpoint));
            Assert.False(BrazeRetryPolicy.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new Polly.Timeout.TimeoutRejectedException()), endpoint));
        }

        Assert.True(BrazeRetryPolicy.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new Polly.Timeout.TimeoutRejectedException()), BrazeEndpoints.UsersTrack));
    }

    [Fact]
    public void A_request_without_a_descriptor_is_treated_as_not_repeatable()
    {
        Assert.False(BrazeRetryPolicy.ShouldRetry(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError)), endpoint: null));
        Assert.True(BrazeRetryPolicy.ShouldRetry(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.TooManyRequests)), endpoint: null));
    }

    [Fact]
    public async Task Through_the_real_pipeline_a_schedule_create_is_sent_once_after_a_5xx_and_an_update_is_retried()
    {
        using var f = new ClientFixture(o => o.MaxRetryAttempts = 3);
        f.Fake.Responder = (r, _) => r.Endpoint == BrazeEndpoints.CanvasScheduleUpdate && f.Fake.Requests.Count(x => x.Endpoint == BrazeEndpoints.CanvasScheduleUpdate) > 1
            ? FakeBraze.Json(HttpStatusCode.Created, """{"message":"success"}""")
            : FakeBraze.Json(HttpStatusCode.ServiceUnavailable, """{"message":"unavailable"}""");

        var create = await Assert.ThrowsAsync<BrazeApiException>(() => f.Client.ScheduleCanvasAsync("canvas-1", [UserId.External("u1")], Schedule.At(SoonDates.At(10, 9))));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, create.StatusCode);
        Assert.Single(f.Fake.Requests, r => r.Endpoint == BrazeEndpoints.CanvasScheduleCreate);

        await f.Client.UpdateCanvasScheduleAsync("canvas-1", new ScheduleId("s1"), Schedule.At(SoonDates.At(11, 9)));
        Assert.Equal(2, f.Fake.Requests.Count(r => r.Endpoint == BrazeEndpoints.CanvasScheduleUpdate));

        var send = await Assert.ThrowsAsync<BrazeApiException>(() => f.Client.TriggerSendAsync(new TriggerSendRequest(ScheduleTarget.Campaign, "k") { Broadcast = true }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, send.StatusCode);
        Assert.Single(f.Fake.Requests, r => r.Endpoint == BrazeEndpoints.CampaignTriggerSend);
    }

    [Fact]
    public async Task Every_request_the_client_sends_carries_the_descriptor_of_its_method_and_path()
    {
        using var f = new ClientFixture();
        f.Fake.Responder = (r, _) => FakeBraze.Json(HttpStatusCode.Created, r.Endpoint?.Path switch
        {
            "/canvas/trigger/schedule/create" or "/campaigns/trigger/schedule/create" => """{"message":"success","schedule_id":"s1"}""",
            "/canvas/trigger/send" or "/campaigns/trigger/send" => """{"message":"success","dispatch_id":"d1"}""",
            "/messages/scheduled_broadcasts" => """{"message":"success","scheduled_broadcasts":[]}""",
            "/users/export/ids" or "/users/track/sync" => """{"message":"success","users":[]}""",
            _ => """{"message":"success"}""",
        });
        var user = UserId.External("u1");
        var at = Schedule.At(SoonDates.At(10, 9));
        await f.Client.TrackAsync(new TrackEvent(user, "played", DateTimeOffset.UtcNow));
        await f.Client.TrackSyncAsync(new TrackRequest().Add(new TrackEvent(user, "played", DateTimeOffset.UtcNow)));
        await f.Client.ScheduleCanvasAsync("c", [user], at);
        await f.Client.UpdateCanvasScheduleAsync("c", new ScheduleId("s1"), at);
        await f.Client.DeleteCanvasScheduleAsync("c", new ScheduleId("s1"));
        await f.Client.ScheduleCampaignAsync("k", [user], at);
        await f.Client.UpdateCampaignScheduleAsync("k", new ScheduleId("s1"), at);
        await f.Client.DeleteCampaignScheduleAsync("k", new ScheduleId("s1"));
        await f.Client.ListScheduledBroadcastsAsync(SoonDates.At(73, 0));
        await f.Client.ExportUsersAsync(["u1"]);
        Assert.Equal("d1", await f.Client.TriggerSendAsync(new TriggerSendRequest(ScheduleTarget.Canvas, "c") { Recipients = [user] }));
        await f.Client.TriggerSendAsync(new TriggerSendRequest(ScheduleTarget.Campaign, "k") { Broadcast = true });
        await f.Client.CreateAliasesAsync([new NewUserAlias("n", "crm")]);
        await f.Client.UpdateAliasesAsync([new UserAliasUpdate("crm", "n", "m")]);
        await f.Client.IdentifyUsersAsync([new UserIdentification("u1", UserId.Alias("m", "crm"))]);
        await f.Client.RenameExternalIdsAsync([new ExternalIdRename("u1", "u2")]);
        await f.Client.RemoveExternalIdsAsync(["u1"]);
        await f.Client.MergeUsersAsync([new UserMerge(UserId.External("u3"), UserId.External("u2"))]);
        await f.Client.DeleteUsersAsync([UserId.External("u2")]);
        await f.Client.SetSubscriptionStatusAsync([new SubscriptionStatusUpdate(new SubscriptionGroupChange("g", subscribed: true), [UserId.External("u2")])]);

        Assert.Equal(BrazeEndpoints.All.Count, f.Fake.Requests.Count);
        foreach (var r in f.Fake.Requests)
        {
            Assert.NotNull(r.Endpoint);
            Assert.Equal(r.Endpoint.Method.Method, r.Method);
            Assert.Equal(r.Endpoint.Path, r.Path.Split('?')[0]);
        }

        Assert.Equal(BrazeEndpoints.All.ToHashSet(), f.Fake.Requests.Select(r => r.Endpoint!).ToHashSet());
    }
}
