using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CsCheck;
using Braze.Generated;
using Braze.Rules;
using Braze.Wire;

namespace Braze.Generators.Tests.Runtime;

public class RuntimeTests
{
    private static readonly JsonSerializerOptions s_stj = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new FormatConverter(), new BrazeTimeConverter(), new DateOnlyAsTimeConverter() },
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    private static string Write(IBrazeProperties properties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            properties.WriteTo(writer, BrazeWriteContext.Default);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static readonly Gen<RentedMovie> GenMovie =
        from movie in Gen.String[0, 20]
        from director in Gen.String[0, 20].Null()
        from price in Gen.Decimal[-1000m, 1000m]
        from rank in Gen.Int
        from views in Gen.Long.Nullable()
        from rating in Gen.Double[-1e9, 1e9]
        from rewatch in Gen.Bool
        from year in Gen.Int[1, 2999]
        from format in Gen.Enum<Format>()
        from id in Gen.Guid
        from genres in Gen.String[0, 10].Array[0, 4]
        from scores in Gen.Int.Array[0, 4]
        from studio in Gen.String[0, 10]
        from hasLead in Gen.Bool
        from leadName in Gen.String[0, 10]
        from age in Gen.Int
        from ratings in Gen.Dictionary(Gen.String[1, 8], Gen.Int)[0, 3].Null()
        select new RentedMovie(movie, director, price, rank, views, rating, rewatch,
            new DateTimeOffset(year, 5, 1, 12, 30, 15, 123, TimeSpan.FromHours(2)), year % 2 == 0 ? new DateOnly(year, 1, 2) : null,
            format, id, genres, scores, studio, "secret", hasLead ? new Cast(leadName, age) : null, ratings);

    [Fact]
    public void Generated_json_equals_system_text_json_for_the_same_record()
    {
        GenMovie.Sample(movie =>
        {
            var ours = JsonNode.Parse(Write(movie));
            var stj = JsonSerializer.SerializeToNode(movie, s_stj)!.AsObject();
            stj.Remove("secret");
            stj["studio_name"] = stj["studio"]?.DeepClone();
            stj.Remove("studio");
            stj.Remove("equality_contract");
            Assert.True(JsonNode.DeepEquals(stj, ours), $"stj  {stj.ToJsonString()}\nours {ours!.ToJsonString()}");
        }, iter: 500);
    }

    [Fact]
    public void A_derived_record_writes_its_inherited_members_like_system_text_json()
    {
        var gen = from title in Gen.String[0, 20]
                  from year in Gen.Int
                  from price in Gen.Decimal[-1000m, 1000m]
                  from part in Gen.Int
                  select new RentedSequel(title, year, price, part);
        gen.Sample(sequel =>
        {
            var stj = JsonSerializer.SerializeToNode(sequel, s_stj)!.AsObject();
            stj.Remove("equality_contract");
            Assert.True(JsonNode.DeepEquals(stj, JsonNode.Parse(Write(sequel))));

            // Seen as its base, it is still written whole: the interface is re-implemented.
            Media media = sequel;
            Assert.Equal(Write(sequel), Write(media));
        }, iter: 200);
        Assert.Equal("rented_sequel", ((IBrazeEvent)new RentedSequel("t", 1, 1m, 2)).BrazeEventName);
    }

    [Fact]
    public void Generated_api_builds_events_purchases_and_liquid()
    {
        var movie = new RentedMovie("The Sad Egg", "Dan Alexander", 4.99m, 1, null, 4.5, false, new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), null,
            Format.BluRay, Guid.Empty, ["drama"], [5], "Studio", "secret", null);
        var user = UserId.External("u");
        var request = new TrackRequest()
            .Add(movie.ToEvent(user, DateTimeOffset.UtcNow))
            .Add(new PopcornPurchase("large", true).ToPurchase(user, "popcorn", "USD", 3.5m, DateTimeOffset.UtcNow, quantity: 2));
        Assert.True(request.Validate().IsValid);
        Assert.Equal("rented_movie", RentedMovie.EventName);
        var json = JsonNode.Parse(request.ToJson())!;
        Assert.Equal("blu-ray", json["events"]![0]!["properties"]!["format"]!.GetValue<string>());
        Assert.Equal("2024-05-01T00:00:00.000Z", json["events"]![0]!["properties"]!["released_at"]!.GetValue<string>());
        Assert.Equal(2, json["purchases"]![0]!["quantity"]!.GetValue<int>());
        Assert.True(BrazePayloadValidator.ValidateTrackRequest(request.ToJson()).IsValid);
        Assert.Equal("{{context.${coupon_code}}}", WelcomeContext.Liquid.CouponCode);
    }

    [Fact]
    public void Object_records_convert_to_nested_values_and_purchases_have_a_step_form()
    {
        var properties = new BrazeProperties { { "lead", new Cast("Ann", 30) }, { "none", (Cast?)null } };
        var request = new TrackRequest().Add(new TrackEvent(UserId.External("u"), "e", new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), properties));
        var json = JsonNode.Parse(request.ToJson())!["events"]![0]!["properties"]!;
        Assert.Equal("""{"lead":{"name":"Ann","age":30},"none":null}""", json.ToJsonString());

        var step = new TrackRequest().Add(new PopcornPurchase("large", true).ToUserUpdateStepPurchase("popcorn", "USD", 3.5m, BrazeTimestamp.FromText("{{${time}}}"), quantity: 2));
        Assert.True(step.ValidateAsUserUpdateStep().IsValid);
        var purchase = JsonNode.Parse(step.ToJson())!["purchases"]![0]!;
        Assert.Null(purchase["external_id"]);
        Assert.Equal(2, purchase["quantity"]!.GetValue<int>());
        Assert.Equal("large", purchase["properties"]!["size"]!.GetValue<string>());
    }

    [Fact]
    public void Generated_validation_reports_paths_through_the_shared_rules()
    {
        var movie = new RentedMovie(new string('m', 256), null, 1m, 1, null, double.NaN, false, new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), null,
            (Format)42, Guid.Empty, ["ok", new string('g', 300)], [], "s", "secret", new Cast(new string('c', 256), 1));
        var result = new TrackRequest().Add(movie.ToEvent(UserId.External("u"), DateTimeOffset.UtcNow)).Validate();
        var errors = result.Errors.Select(e => (e.Path, e.Code)).ToHashSet();
        Assert.Contains(("events[0].properties.movie", ValidationCodes.StringTooLong), errors);
        Assert.Contains(("events[0].properties.rating", ValidationCodes.NumberNotFinite), errors);
        Assert.Contains(("events[0].properties.format", ValidationCodes.InvalidType), errors);
        Assert.Contains(("events[0].properties.genres[1]", ValidationCodes.StringTooLong), errors);
        Assert.Contains(("events[0].properties.lead.name", ValidationCodes.StringTooLong), errors);

        var badKey = new TrackRequest().Add((movie with { Movie = "m", Rating = 1, Format = Format.Streaming, Genres = [], Lead = null, Ratings = new() { ["$x"] = 1 } })
            .ToEvent(UserId.External("u"), DateTimeOffset.UtcNow)).Validate();
        Assert.Equal(("events[0].properties.ratings.$x", ValidationCodes.NameLeadingDollar), badKey.Errors.Select(e => (e.Path, e.Code)).Single());

        // Used as purchase properties, "price" is reserved.
        var asPurchase = new TrackRequest().Add(new Purchase(UserId.External("u"), "p", "USD", 1m, DateTimeOffset.UtcNow, movie with { Movie = "m", Rating = 1, Format = Format.Streaming, Genres = [], Lead = null })).Validate();
        Assert.Equal(("purchases[0].properties.price", ValidationCodes.NameReserved), asPurchase.Errors.Select(e => (e.Path, e.Code)).Single());
    }

    [Fact]
    public void Scalar_members_skip_the_path_only_when_the_full_rule_would_pass()
    {
        var valid = new RentedMovie("m", null, 1m, 1, null, 1, false, new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), null,
            Format.Streaming, Guid.Empty, [], [], "s", "secret", null);

        // 255 code points in 510 UTF-16 units: longer than the quick check allows, accepted by the full rule.
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 255));
        Assert.Empty(Errors(valid with { Movie = emoji, Director = "2024-05-01T12:00:00Z" }));

        // A string that reads as a time is checked as one; so is a time member, at its own path.
        Assert.Equal(
            [("events[0].properties.movie", ValidationCodes.TimeOutOfRange), ("events[0].properties.rating", ValidationCodes.NumberNotFinite), ("events[0].properties.released_at", ValidationCodes.TimeOutOfRange)],
            Errors(valid with { Movie = "3001-01-01T00:00:00Z", ReleasedAt = new DateTimeOffset(3001, 1, 1, 0, 0, 0, TimeSpan.Zero), Rating = double.PositiveInfinity }).OrderBy(e => e.Path, StringComparer.Ordinal));

        static List<(string Path, string Code)> Errors(RentedMovie movie)
            => [.. new TrackRequest().Add(movie.ToEvent(UserId.External("u"), DateTimeOffset.UtcNow)).Validate().Errors.Select(e => (e.Path, e.Code))];
    }

    [Fact]
    public void Names_that_need_escaping_in_csharp_reach_the_wire_unchanged()
    {
        Assert.Equal("quoted \"event\"", OddNames.EventName);
        var json = JsonNode.Parse(Write(new OddNames("q", 1, true, "t")))!.AsObject();
        Assert.Equal(["say \"hi\"", "back\\slash", "café ☕", "tab\there"], json.Select(p => p.Key));
    }

    [Fact]
    public void Writing_a_generated_event_allocates_nothing()
    {
        var movie = new RentedMovie("The Sad Egg", "Dan", 4.99m, 1, 7, 4.5, true, new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), new DateOnly(2024, 6, 1),
            Format.Streaming, Guid.Empty, ["drama", "noir"], [1, 2], "Studio", "secret", new Cast("Ann", 40), new Dictionary<string, int> { ["imdb"] = 7 });
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(buffer);
        IBrazeProperties properties = movie;
        for (var i = 0; i < 100; i++)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            properties.WriteTo(writer, BrazeWriteContext.Default);
            writer.Flush();
        }

        // The least of five rounds: a write that allocated would show in every round (1,000 writes each), while the
        // runtime's own one-off work on this thread (tiered recompilation reaching the hot methods) shows in one.
        var least = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                buffer.ResetWrittenCount();
                writer.Reset(buffer);
                properties.WriteTo(writer, BrazeWriteContext.Default);
                writer.Flush();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, least);
    }

    private sealed class FormatConverter : JsonConverter<Format>
    {
        public override Format Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, Format value, JsonSerializerOptions options)
            => writer.WriteStringValue(value == Format.BluRay ? "blu-ray" : "streaming");
    }

    private sealed class BrazeTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(BrazeTime.Format(value));
    }

    private sealed class DateOnlyAsTimeConverter : JsonConverter<DateOnly>
    {
        public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options)
            => writer.WriteStringValue(BrazeTime.Format(BrazeTime.ToUtc(value)).ToString(CultureInfo.InvariantCulture));
    }
}
