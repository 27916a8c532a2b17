using System.Text.Json;
using Braze.Rules;

namespace Braze.Tests;

public class SmokeTests
{
    [Fact]
    public void Typed_request_round_trips_through_json_validator()
    {
        var user = UserId.External("user1");
        var request = new TrackRequest()
            .Add(new AttributesUpdate(user).SetFirstName("Ann").Increment("points", 5).AddToArray("genres", "noir"))
            .Add(new TrackEvent(user, "rented_movie", new DateTimeOffset(2013, 7, 16, 19, 20, 30, TimeSpan.FromHours(1)),
                new BrazeProperties { { "movie", "The Sad Egg" }, { "genres", new[] { "drama" } } }))
            .Add(new Purchase(user, "backpack", "USD", 40.00m, new DateTimeOffset(2013, 7, 16, 19, 20, 30, TimeSpan.Zero)));

        Assert.True(request.Validate().IsValid);
        var json = request.ToJson();
        var result = BrazePayloadValidator.ValidateTrackRequest(json);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("2013-07-16T18:20:30.000Z", doc.RootElement.GetProperty("events")[0].GetProperty("time").GetString());
    }

    [Fact]
    public void Errors_carry_paths()
    {
        var user = UserId.External("user1");
        var request = new TrackRequest()
            .Add(new TrackEvent(user, "ok", DateTimeOffset.UtcNow))
            .Add(new TrackEvent(user, "e", DateTimeOffset.UtcNow, new BrazeProperties { { "time", "x" }, { "movie", new string('a', 256) } }));
        var result = request.Validate();
        Assert.Contains(result.Errors, e => e.Path == "events[1].properties.time" && e.Code == ValidationCodes.NameReserved);
        Assert.Contains(result.Errors, e => e.Path == "events[1].properties.movie" && e.Code == ValidationCodes.StringTooLong);
        Assert.True(result.IsObjectRejected(TrackArray.Events, 1));
        Assert.False(result.IsObjectRejected(TrackArray.Events, 0));

        var json = BrazePayloadValidator.ValidateTrackRequest(request.ToJson());
        Assert.Equal(result.Errors.Select(e => (e.Path, e.Code)), json.Errors.Select(e => (e.Path, e.Code)));
    }
}
