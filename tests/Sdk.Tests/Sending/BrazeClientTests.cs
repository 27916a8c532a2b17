using System.Net;
using System.Text.Json;
using Braze.Rules;

using Braze.Tests.Support;

namespace Braze.Tests.Sending;

public class BrazeClientTests
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static TrackRequest Events(int count)
    {
        var request = new TrackRequest();
        for (var i = 0; i < count; i++)
        {
            request.Add(new TrackEvent(UserId.External($"user{i}"), "rented_movie", s_time, new BrazeProperties { { "n", i } }));
        }

        return request;
    }

    [Fact]
    public async Task Large_request_is_split_into_requests_of_at_most_75_objects_in_order()
    {
        using var f = new ClientFixture();
        var result = await f.Client.TrackAsync(Events(200));

        Assert.Equal(3, result.RequestCount);
        var bodies = f.Fake.Requests.Select(r => JsonDocument.Parse(r.Body)).ToList();
        var counts = bodies.Select(b => b.RootElement.GetProperty("events").GetArrayLength()).OrderByDescending(c => c).ToList();
        Assert.Equal([75, 75, 50], counts);
        var ns = bodies.SelectMany(b => b.RootElement.GetProperty("events").EnumerateArray()).Select(e => e.GetProperty("properties").GetProperty("n").GetInt32()).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 200), ns);
        Assert.All(f.Fake.Requests, r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("/users/track", r.Path);
            Assert.Equal("application/json", r.ContentType);
            Assert.Equal("Bearer " + ClientFixture.ApiKey, r.Authorization);
            Assert.True(BrazePayloadValidator.ValidateTrackRequest(r.Body).IsValid);
        });
    }

    [Fact]
    public async Task Invalid_object_throws_with_every_error_and_sends_nothing()
    {
        using var f = new ClientFixture();
        var request = Events(3);
        request.Add(new Purchase(UserId.External("u"), "sku", "XYZ", 1m, s_time) { Quantity = 101 });
        request.Add(new TrackEvent(UserId.External("u"), "", s_time));

        var ex = await Assert.ThrowsAsync<BrazeValidationException>(() => f.Client.TrackAsync(request));
        Assert.Contains(ex.Errors, e => e.Path == "purchases[0].currency" && e.Code == ValidationCodes.CurrencyInvalid);
        Assert.Contains(ex.Errors, e => e.Path == "purchases[0].quantity" && e.Code == ValidationCodes.QuantityOutOfRange);
        Assert.Contains(ex.Errors, e => e.Path == "events[3].name" && e.Code == ValidationCodes.EventNameEmpty);
        Assert.Contains("purchases[0].quantity", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, f.Fake.Calls);
    }

    [Fact]
    public async Task Minor_errors_map_back_to_the_callers_index()
    {
        using var f = new ClientFixture(o => o.MaxConcurrentRequests = 1);
        f.Fake.Responder = (r, n) => n == 2
            ? FakeBraze.Json(HttpStatusCode.Created, """{"message":"success","events_processed":74,"errors":[{"type":"bad event","input_array":"events","index":2}]}""")
            : FakeBraze.Json(HttpStatusCode.Created, """{"message":"success","events_processed":75}""");

        var result = await f.Client.TrackAsync(Events(150));

        var error = Assert.Single(result.Errors);
        Assert.Equal(TrackArray.Events, error.Array);
        Assert.Equal(77, error.Index);
        Assert.Equal("bad event", error.Message);
        Assert.False(result.IsAccepted(TrackArray.Events, 77));
        Assert.True(result.IsAccepted(TrackArray.Events, 2));
        Assert.Equal(149, result.EventsProcessed);
        Assert.Throws<BrazeTrackException>(() => result.EnsureSuccess());
    }

    [Fact]
    public async Task Server_errors_are_retried_and_then_succeed()
    {
        using var f = new ClientFixture();
        f.Fake.Responder = (r, n) => n < 3
            ? FakeBraze.Json(HttpStatusCode.ServiceUnavailable, """{"message":"busy"}""")
            : FakeBraze.Json(HttpStatusCode.Created, """{"message":"success","events_processed":1}""");

        var result = await f.Client.TrackAsync(Events(1));

        Assert.True(result.IsSuccess);
        Assert.Equal(3, f.Fake.Calls);
    }

    [Fact]
    public async Task Client_errors_are_not_retried_and_fail_with_brazes_message()
    {
        using var f = new ClientFixture();
        f.Fake.Responder = (_, _) => FakeBraze.Json(HttpStatusCode.BadRequest, """{"message":"Max Input Length Exceeded","errors":["too many"]}""");

        var ex = await Assert.ThrowsAsync<BrazeTrackException>(() => f.Client.TrackAsync(Events(2)));

        Assert.Equal(1, f.Fake.Calls);
        var failure = Assert.Single(ex.Result.Failures);
        Assert.Equal(HttpStatusCode.BadRequest, failure.Exception.StatusCode);
        Assert.Equal("Max Input Length Exceeded", failure.Exception.BrazeMessage);
        Assert.Equal(2, failure.Range.EventsCount);
        Assert.False(ex.Result.IsAccepted(TrackArray.Events, 0));
    }

    [Fact]
    public async Task Rate_limited_request_waits_for_the_reset_and_retries()
    {
        using var f = new ClientFixture(o => o.RetryMaxDelay = TimeSpan.FromSeconds(5));
        var first = DateTimeOffset.MinValue;
        var second = DateTimeOffset.MinValue;
        f.Fake.Responder = (r, n) =>
        {
            if (n == 1)
            {
                first = DateTimeOffset.UtcNow;
                return FakeBraze.Json(HttpStatusCode.TooManyRequests, """{"message":"Rate Limited"}""", m =>
                {
                    // Lower-case names, as Braze sends them over HTTP/2.
                    m.Headers.TryAddWithoutValidation("x-ratelimit-limit", "3000");
                    m.Headers.TryAddWithoutValidation("x-ratelimit-remaining", "0");
                    m.Headers.TryAddWithoutValidation("x-ratelimit-reset", DateTimeOffset.UtcNow.AddSeconds(2).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
                });
            }

            second = DateTimeOffset.UtcNow;
            return FakeBraze.Json(HttpStatusCode.Created, """{"message":"success","events_processed":1}""");
        };

        var result = await f.Client.TrackAsync(Events(1));

        Assert.True(result.IsSuccess);
        Assert.Equal(2, f.Fake.Calls);
        // The reset is at least one whole second away (epoch seconds are truncated).
        Assert.True(second - first >= TimeSpan.FromMilliseconds(900), $"waited only {(second - first).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Schedule_calls_send_the_documented_bodies()
    {
        using var f = new ClientFixture();
        f.Fake.Responder = (r, _) => r.Path.EndsWith("/create", StringComparison.Ordinal)
            ? FakeBraze.Json(HttpStatusCode.Created, """{"message":"success","schedule_id":"s1","dispatch_id":"d1"}""")
            : FakeBraze.Json(HttpStatusCode.OK, """{"message":"success"}""");

        var created = await f.Client.ScheduleCanvasAsync("canvas-1", [UserId.External("u1")], Schedule.AtLocalTime(SoonDates.WallClock(11, 9, 30)),
            new BrazeProperties { { "coupon_code", "WELCOME10" } });
        await f.Client.UpdateCanvasScheduleAsync("canvas-1", created.ScheduleId, Schedule.At(SoonDates.At(12, 9, 30, 2)));
        await f.Client.DeleteCanvasScheduleAsync("canvas-1", created.ScheduleId);

        Assert.Equal((new ScheduleId("s1"), "d1"), (created.ScheduleId, created.DispatchId));
        var requests = f.Fake.Requests.ToList();
        Assert.Equal(["/canvas/trigger/schedule/create", "/canvas/trigger/schedule/update", "/canvas/trigger/schedule/delete"], requests.Select(r => r.Path));
        var create = JsonDocument.Parse(requests[0].Body).RootElement;
        Assert.Equal("canvas-1", create.GetProperty("canvas_id").GetString());
        Assert.Equal("u1", create.GetProperty("recipients")[0].GetProperty("external_user_id").GetString());
        Assert.Equal("WELCOME10", create.GetProperty("context").GetProperty("coupon_code").GetString());
        Assert.Equal(SoonDates.WallClock(11, 9, 30).ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), create.GetProperty("schedule").GetProperty("time").GetString());
        Assert.True(create.GetProperty("schedule").GetProperty("in_local_time").GetBoolean());
        var update = JsonDocument.Parse(requests[1].Body).RootElement;
        Assert.Equal("s1", update.GetProperty("schedule_id").GetString());
        Assert.Equal(SoonDates.WallClock(12, 7, 30).ToString("yyyy-MM-ddTHH:mm:ss.000Z", System.Globalization.CultureInfo.InvariantCulture), update.GetProperty("schedule").GetProperty("time").GetString());
        Assert.False(update.GetProperty("schedule").GetProperty("in_local_time").GetBoolean());
    }

    [Fact]
    public async Task Schedule_rules_are_checked_before_sending()
    {
        using var f = new ClientFixture();
        var recipients = Enumerable.Range(0, 51).Select(i => new Recipient(UserId.External($"u{i}"))).ToList();
        var request = new ScheduleRequest(ScheduleTarget.Canvas, "c", Schedule.At(s_time)) { Recipients = recipients, Broadcast = true };

        var ex = await Assert.ThrowsAsync<BrazeValidationException>(() => f.Client.ScheduleAsync(request));

        Assert.Contains(ex.Errors, e => e.Code == ValidationCodes.TooManyRecipients);
        Assert.Contains(ex.Errors, e => e.Code == ValidationCodes.BroadcastWithRecipients);
        Assert.Equal(0, f.Fake.Calls);
    }
}
