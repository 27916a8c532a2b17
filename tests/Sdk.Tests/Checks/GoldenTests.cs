using System.Text.Json.Nodes;

namespace Braze.Tests.Checks;

/// <summary>
/// Every example payload of the spec, built with the typed model: it produces exactly that JSON (compared as parsed
/// JSON; times in the SDK's normalized UTC form) and the JSON validator accepts both the spec's text and ours.
/// </summary>
public class GoldenTests
{
    private static readonly DateTimeOffset s_eventTime = new(2013, 7, 16, 19, 20, 45, TimeSpan.FromHours(1));
    private static readonly DateTimeOffset s_purchaseTime = new(2013, 7, 16, 19, 20, 30, TimeSpan.FromHours(1));

    private static void Same(string expected, TrackRequest request, string? specText = null)
    {
        var actual = request.ToJson();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}\nactual   {actual}");
        var ours = BrazePayloadValidator.ValidateTrackRequest(actual);
        Assert.True(ours.IsValid, string.Join("; ", ours.Errors));
        if (specText is not null)
        {
            var spec = BrazePayloadValidator.ValidateTrackRequest(specText);
            Assert.True(spec.IsValid, string.Join("; ", spec.Errors));
        }
    }

    [Fact]
    public void Event_object_section_4()
    {
        Same(
            """{"events":[{"external_id":"user1","app_id":"app","name":"rented_movie","time":"2013-07-16T18:20:45.000Z","properties":{},"_update_existing_only":false}]}""",
            new TrackRequest().Add(new TrackEvent(UserId.External("user1"), "rented_movie", s_eventTime, new BrazeProperties()) { AppId = "app", UpdateExistingOnly = false }),
            """{"events":[{"external_id":"user1","app_id":"app","name":"rented_movie","time":"2013-07-16T19:20:45+01:00","properties":{},"_update_existing_only":false}]}""");
    }

    [Fact]
    public void Purchase_object_section_6()
    {
        Same(
            """{"purchases":[{"external_id":"user1","app_id":"app","product_id":"backpack","currency":"USD","price":40.00,"quantity":1,"time":"2013-07-16T18:20:30.000Z","properties":{},"_update_existing_only":false}]}""",
            new TrackRequest().Add(new Purchase(UserId.External("user1"), "backpack", "USD", 40.00m, s_purchaseTime, new BrazeProperties()) { AppId = "app", UpdateExistingOnly = false }),
            """{"purchases":[{"external_id":"user1","app_id":"app","product_id":"backpack","currency":"USD","price":40.00,"quantity":1,"time":"2013-07-16T19:20:30+01:00","properties":{},"_update_existing_only":false}]}""");
    }

    [Fact]
    public void Request_body_section_2_1_with_all_three_arrays()
    {
        var user = UserId.External("user1");
        Same(
            """
            {"attributes":[{"external_id":"user1","first_name":"Jon","email":"jon@example.com","dob":"1980-12-21","gender":"M","country":"US","language":"en","time_zone":"America/New_York","email_subscribe":"opted_in","home_city":"Boston"}],
             "events":[{"external_id":"user1","name":"rented_movie","time":"2013-07-16T18:20:45.000Z","properties":{"movie":"The Sad Egg","director":"Dan Alexander"}}],
             "purchases":[{"external_id":"user1","product_id":"backpack","currency":"USD","price":40.00,"quantity":1,"time":"2013-07-16T18:20:30.000Z"}]}
            """,
            new TrackRequest()
                .Add(new AttributesUpdate(user).SetFirstName("Jon").SetEmail("jon@example.com").SetDateOfBirth(new DateOnly(1980, 12, 21)).SetGender(Gender.Male)
                    .SetCountry("US").SetLanguage("en").SetTimeZone("America/New_York").SetEmailSubscribe(SubscriptionState.OptedIn).SetHomeCity("Boston"))
                .Add(new TrackEvent(user, "rented_movie", s_eventTime, new BrazeProperties { { "movie", "The Sad Egg" }, { "director", "Dan Alexander" } }))
                .Add(new Purchase(user, "backpack", "USD", 40.00m, s_purchaseTime)));
    }

    [Fact]
    public void Array_attributes_section_7_3()
    {
        Same(
            """{"attributes":[{"external_id":"user1","genres":["a","b"],"likes":{"add":["c"],"remove":["a"]}}]}""",
            new TrackRequest().Add(new AttributesUpdate(UserId.External("user1")).Set("genres", new[] { "a", "b" }).AddToArray("likes", "c").RemoveFromArray("likes", "a")),
            """{"attributes":[{"external_id":"user1","genres":["a","b"],"likes":{"add":["c"],"remove":["a"]}}]}""");
    }

    [Fact]
    public void Nested_attributes_and_arrays_of_objects_section_7_4()
    {
        var update = new AttributesUpdate(UserId.External("user1")) { MergeObjects = true }
            .SetObject("most_played_song", new BrazeProperties
            {
                { "song_name", "Solea" },
                { "play_analytics", new BrazeProperties { { "count", 1000 } } },
                { "released", new DateOnly(1980, 1, 1) },
            })
            .AddObjects("pets", new BrazeProperties { { "id", 3 }, { "name", "Doug" } })
            .UpdateObjects("pets", "id", 4, new BrazeProperties { { "breed", "goldfish" } })
            .RemoveObjects("pets", "id", 1);
        Same(
            """
            {"attributes":[{"external_id":"user1","_merge_objects":true,
              "most_played_song":{"song_name":"Solea","play_analytics":{"count":1000},"released":{"$time":"1980-01-01T00:00:00.000Z"}},
              "pets":{"$add":[{"id":3,"name":"Doug"}],
                      "$update":[{"$identifier_key":"id","$identifier_value":4,"$new_object":{"breed":"goldfish"}}],
                      "$remove":[{"$identifier_key":"id","$identifier_value":1}]}}]}
            """,
            new TrackRequest().Add(update));
    }

    [Fact]
    public void Alias_only_profile_and_subscription_groups_section_3_and_7_1()
    {
        Same(
            """{"attributes":[{"user_alias":{"alias_name":"n1","alias_label":"crm"},"_update_existing_only":false,"subscription_groups":[{"subscription_group_id":"g1","subscription_state":"subscribed"}]}]}""",
            new TrackRequest().Add(AttributesUpdate.CreateAliasOnlyProfile("n1", "crm").SetSubscriptionGroups(new SubscriptionGroupChange("g1", true))));
    }

    [Fact]
    public void Schedule_object_section_8_5()
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new System.Text.Json.Utf8JsonWriter(writer))
        {
            Schedule.At(new DateTimeOffset(2017, 5, 24, 21, 30, 0, TimeSpan.Zero)).WriteTo(w);
        }

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"time":"2017-05-24T21:30:00.000Z","in_local_time":false,"at_optimal_time":false}"""),
            JsonNode.Parse(writer.WrittenSpan)));
        Assert.Equal("2015-02-20T13:14:47", Schedule.AtLocalTime(new DateTime(2015, 2, 20, 13, 14, 47)).TimeText);
        Assert.Equal("2015-02-20T00:00:00", Schedule.AtOptimalTime(new DateOnly(2015, 2, 20)).TimeText);
    }

    [Fact]
    public void User_update_step_section_9()
    {
        const string spec = """
            {% assign timestamp = 'now' | date: "%Y-%m-%dT%H:%M:%SZ" %}
            { "events": [ { "name": "logged_user_event", "time": "{{timestamp}}", "app_id": "app", "properties": { "source": "canvas" } } ] }
            """;
        Assert.True(BrazePayloadValidator.ValidateUserUpdateStep(spec).IsValid);
        var stepEvent = TrackEvent.ForUserUpdateStep("logged_user_event", BrazeTimestamp.FromText("{{timestamp}}"), new BrazeProperties { { "source", "canvas" } });
        stepEvent.AppId = "app";
        var step = new TrackRequest().Add(stepEvent);
        Assert.True(step.ValidateAsUserUpdateStep().IsValid);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"events":[{"app_id":"app","name":"logged_user_event","time":"{{timestamp}}","properties":{"source":"canvas"}}]}"""),
            JsonNode.Parse(step.ToJson())));
        Assert.True(BrazePayloadValidator.ValidateUserUpdateStep(step.ToJson()).IsValid);
    }
}
