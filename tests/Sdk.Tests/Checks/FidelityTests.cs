using System.Text;
using System.Text.Json;
using Braze.Rules;

namespace Braze.Tests.Checks;

/// <summary>
/// Issue 14: each rule judged the way Braze judges it, on both faces (the typed model and the JSON validator), with
/// the same path and code wherever the typed face can express the input.
/// </summary>
public class FidelityTests
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly UserId s_user = UserId.External("u");

    private static (string Path, string Code, ValidationSeverity Severity)[] Findings(PayloadValidationResult result)
        => [.. result.Errors.Select(e => (e.Path, e.Code, e.Severity)).OrderBy(e => e.Path, StringComparer.Ordinal)];

    private static void BothFaces(TrackRequest request, params (string Path, string Code, ValidationSeverity Severity)[] expected)
    {
        var typed = request.Validate();
        Assert.Equal(expected, Findings(typed));
        if (typed.IsValid)
        {
            Assert.Equal(expected, Findings(BrazePayloadValidator.ValidateTrackRequest(request.ToJson())));
        }
    }

    private static PayloadValidationResult Json(string body) => BrazePayloadValidator.ValidateTrackRequest(body);

    // ------------------------------------------------------------------ 1. sizes on the wire form

    [Fact]
    public void Sizes_count_the_UTF8_bytes_sent_not_escapes_so_40_KB_of_accented_text_fits_a_50_KB_limit()
    {
        // 200 values of 100 'é' (2 bytes each in UTF-8, 6 bytes as \u00e9): about 41 KB sent, 121 KB if escaped.
        var values = Enumerable.Range(0, 200).Select(_ => BrazeValue.From(new string('é', 100))).ToArray();
        var request = new TrackRequest()
            .Add(new TrackEvent(s_user, "e", s_time, new BrazeProperties { { "list", BrazeValue.Array(values) } }))
            .Add(new AttributesUpdate(s_user).SetObject("profile", new BrazeProperties { { "list", BrazeValue.Array(values) } }));
        BothFaces(request);
        var json = request.ToJson();
        Assert.Contains("é", json, StringComparison.Ordinal); // sent unescaped, as measured
        Assert.DoesNotContain("\\u00E9", json, StringComparison.OrdinalIgnoreCase);

        // The same text escaped by another client is judged by what it means, not by its escapes.
        var escaped = json.Replace("é", "\\u00e9", StringComparison.Ordinal);
        Assert.True(Json(escaped).IsValid);

        var schedule = new ScheduleRequest(ScheduleTarget.Canvas, "c", Schedule.At(SoonDates.At(5, 9)))
        {
            Broadcast = true,
            Context = new BrazeProperties { { "list", BrazeValue.Array(values) } },
        };
        Assert.True(schedule.Validate().IsValid);
    }

    // ------------------------------------------------------------------ 5. a null email is no identifier

    [Fact]
    public void A_null_email_removes_the_email_but_identifies_nobody()
    {
        var result = Json("""{"attributes":[{"email":null,"first_name":"x"}]}""");
        Assert.Equal(ValidationCodes.IdentifierMissing, Assert.Single(result.Errors).Code);
        Assert.True(result.IsObjectRejected(TrackArray.Attributes, 0));
        Assert.True(Json("""{"attributes":[{"external_id":"u","email":null}]}""").IsValid);
    }

    // ------------------------------------------------------------------ 6. year 0 and 3000

    [Theory]
    [InlineData("0000-01-01T00:00:00Z", true)]
    [InlineData("0000-02-29", true)]
    [InlineData("3000-12-31T23:59:59Z", true)]
    [InlineData("3001-01-01T00:00:00Z", false)]
    public void Years_0_to_3000_are_times_on_both_faces(string text, bool ok)
    {
        var request = new TrackRequest().Add(new TrackEvent(s_user, "e", BrazeTimestamp.FromText(text)));
        var expected = ok ? [] : new[] { ("events[0].time", ValidationCodes.TimeOutOfRange, ValidationSeverity.Error) };
        Assert.Equal(expected, Findings(request.Validate()));
        Assert.Equal(expected, Findings(Json($$$"""{"events":[{"external_id":"u","name":"e","time":"{{{text}}}"}]}""")));
        if (ok)
        {
            Assert.Contains($"\"time\":\"{text[..4]}-", request.ToJson(), StringComparison.Ordinal);
        }

        var attribute = Json($$$"""{"attributes":[{"external_id":"u","when":"{{{text}}}"}]}""");
        Assert.Equal(ok, attribute.IsValid);
    }

    // ------------------------------------------------------------------ 7. arrays over the maximum length

    [Fact]
    public void Add_and_remove_lists_over_the_maximum_are_warnings_too()
    {
        var options = new BrazeValidationOptions { MaxArrayAttributeLength = 3 };
        var request = new TrackRequest().Add(new AttributesUpdate(s_user).AddToArray("tags", "a", "b", "c", "d"));
        var typed = request.Validate(options);
        Assert.True(typed.IsValid);
        Assert.Equal(("attributes[0].tags.add", ValidationCodes.ArrayTooLong), (typed.Warnings.Single().Path, typed.Warnings.Single().Code));
        var json = BrazePayloadValidator.ValidateTrackRequest(request.ToJson(), options);
        Assert.True(json.IsValid);
        Assert.Equal(typed.Warnings.Select(w => (w.Path, w.Code)), json.Warnings.Select(w => (w.Path, w.Code)));
    }

    // ------------------------------------------------------------------ 8. numbers a double cannot hold

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    public void A_number_too_large_for_a_double_is_refused_like_infinity_on_the_typed_face(string number)
    {
        var typed = new TrackRequest().Add(new TrackEvent(s_user, "e", s_time, new BrazeProperties { { "n", double.PositiveInfinity } })).Validate();
        Assert.Equal(("events[0].properties.n", ValidationCodes.NumberNotFinite), (typed.Errors.Single().Path, typed.Errors.Single().Code));
        var json = Json($$$"""{"events":[{"external_id":"u","name":"e","time":"2024-01-01T00:00:00Z","properties":{"n":{{{number}}}}}]}""");
        Assert.Equal(("events[0].properties.n", ValidationCodes.NumberNotFinite), (json.Errors.Single().Path, json.Errors.Single().Code));
        Assert.Equal(ValidationCodes.NumberNotFinite, Json($$$"""{"attributes":[{"external_id":"u","score":{{{number}}}}]}""").Errors.Single().Code);
        Assert.Equal(ValidationCodes.NumberNotFinite, Json($$$"""{"purchases":[{"external_id":"u","product_id":"p","currency":"USD","price":{{{number}}},"time":"2024-01-01T00:00:00Z"}]}""").Errors.Single().Code);
        Assert.Equal(ValidationCodes.StandardAttributeInvalid, Json($$$"""{"attributes":[{"external_id":"u","current_location":{"latitude":{{{number}}},"longitude":1}}]}""").Errors.Single().Code);
    }

    // ------------------------------------------------------------------ 9. arrays of arrays

    [Fact]
    public void Arrays_of_arrays_are_refused_on_both_faces()
    {
        var request = new TrackRequest()
            .Add(new TrackEvent(s_user, "e", s_time, new BrazeProperties { { "grid", BrazeValue.Array(BrazeValue.Array("a"), BrazeValue.From("b")) } }));
        Assert.Equal([("events[0].properties.grid[0]", ValidationCodes.InvalidType, ValidationSeverity.Error)], Findings(request.Validate()));
        Assert.Equal(
            [("events[0].properties.grid[0]", ValidationCodes.InvalidType, ValidationSeverity.Error)],
            Findings(Json("""{"events":[{"external_id":"u","name":"e","time":"2024-01-01T00:00:00Z","properties":{"grid":[["a"],"b"]}}]}""")));
        Assert.Equal("attributes[0].tags[1]", Json("""{"attributes":[{"external_id":"u","tags":["a",["b"]]}]}""").Errors.Single().Path);

        // An array inside an object inside an array is fine (Braze segments one level of it).
        Assert.True(Json("""{"attributes":[{"external_id":"u","pets":[{"toys":["ball"]}]}]}""").IsValid);
    }

    // ------------------------------------------------------------------ 12. depth is one object's problem

    [Theory]
    [InlineData(40)]
    [InlineData(300)]
    [InlineData(990)]
    public void An_object_nested_deeper_than_the_limit_is_its_own_error_at_any_depth(int depth)
    {
        var deep = new StringBuilder().Insert(0, "{\"a\":", depth).Append('1').Append('}', depth).ToString();
        var result = Json($$$"""{"events":[{"external_id":"u","name":"deep","time":"2024-01-01T00:00:00Z","properties":{"p":{{{deep}}}}},{"external_id":"u","name":"fine","time":"2024-01-01T00:00:00Z"}]}""");
        Assert.False(result.IsRequestRejected);
        Assert.True(result.IsObjectRejected(TrackArray.Events, 0));
        Assert.False(result.IsObjectRejected(TrackArray.Events, 1));
        Assert.Equal(ValidationCodes.NestingTooDeep, result.Errors.Single().Code);
    }

    [Fact]
    public void A_body_deeper_than_1000_levels_is_refused_as_a_whole_and_says_why()
    {
        var deep = new StringBuilder().Insert(0, "{\"a\":", 1200).Append('1').Append('}', 1200).ToString();
        var result = Json($$$"""{"events":[{"external_id":"u","name":"deep","time":"2024-01-01T00:00:00Z","properties":{"p":{{{deep}}}}}]}""");
        Assert.True(result.IsRequestRejected);
        Assert.Contains("more than 1000 levels", result.Errors.Single().Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ 13. event, purchase and schedule times

    [Theory]
    [InlineData("2024-01-01T00:00:00Z", true)]
    [InlineData("2024-01-01T00:00:00.123+01:00", true)]
    [InlineData("2024-01-01T00:00:00:123Z", true)]
    [InlineData("2024-01-01", true)]
    [InlineData("12/11/2024", false)]
    [InlineData("2024-01-01 00:00:00", false)]
    [InlineData("Mon Jan 01 00:00:00 UTC 2024", false)]
    [InlineData(" 2024-01-01T00:00:00Z", false)]
    [InlineData("2024-01-01T00:00:00Z ", false)]
    public void Event_time_is_ISO_8601_or_colon_milliseconds_only(string time, bool ok)
    {
        var expected = ok ? [] : new[] { ("events[0].time", ValidationCodes.TimeInvalid, ValidationSeverity.Error) };
        Assert.Equal(expected, Findings(new TrackRequest().Add(new TrackEvent(s_user, "e", BrazeTimestamp.FromText(time))).Validate()));
        Assert.Equal(expected, Findings(Json($$$"""{"events":[{"external_id":"u","name":"e","time":"{{{time}}}"}]}""")));
    }

    [Fact]
    public void Purchase_time_is_ISO_8601_only_while_attributes_keep_every_documented_form()
    {
        Assert.Equal("purchases[0].time", Json("""{"purchases":[{"external_id":"u","product_id":"p","currency":"USD","price":1,"time":"2024-01-01T00:00:00:123Z"}]}""").Errors.Single().Path);
        Assert.True(Json("""{"attributes":[{"external_id":"u","when":{"$time":"12/11/2024"},"since":"2024-01-01 10:00:00"}]}""").IsValid);
        Assert.True(Json("""{"attributes":[{"external_id":"u","padded":" 12/11/2024 "}]}""").IsValid); // a string, not a time
    }

    // ------------------------------------------------------------------ 14. currencies

    [Theory]
    [InlineData("ZWG", true)]
    [InlineData("XCG", true)]
    [InlineData("EUR", true)]
    [InlineData("HRK", false)]
    [InlineData("ZWL", false)]
    [InlineData("BGN", false)]
    [InlineData("ANG", false)]
    [InlineData("usd", false)]
    public void Currencies_follow_the_current_ISO_4217_list(string currency, bool ok)
    {
        var request = new TrackRequest().Add(new Purchase(s_user, "p", currency, 1m, s_time));
        Assert.Equal(ok, request.Validate().IsValid);
        Assert.Equal(ok, Json($$$"""{"purchases":[{"external_id":"u","product_id":"p","currency":"{{{currency}}}","price":1,"time":"2024-01-01T00:00:00Z"}]}""").IsValid);
    }

    // ------------------------------------------------------------------ 15. decisions

    [Fact]
    public void A_dollar_anywhere_in_a_nested_key_is_refused_but_only_a_leading_one_in_event_properties()
    {
        Assert.Equal(ValidationCodes.NameInvalidCharacter, Json("""{"attributes":[{"external_id":"u","price":{"usd$":1}}]}""").Errors.Single().Code);
        Assert.Equal(ValidationCodes.NameInvalidCharacter, new TrackRequest().Add(new AttributesUpdate(s_user).SetObject("price", new BrazeProperties { { "usd$", 1 } })).Validate().Errors.Single().Code);
        Assert.True(Json("""{"events":[{"external_id":"u","name":"e","time":"2024-01-01T00:00:00Z","properties":{"price$usd":1}}]}""").IsValid);
    }

    [Fact]
    public void Country_and_time_zone_Braze_cannot_use_are_warnings_and_the_object_is_sent()
    {
        var request = new TrackRequest().Add(new AttributesUpdate(s_user).SetCountry("Australia").SetTimeZone("Eastern Time (US & Canada)").Set("vip", true));
        BothFaces(request,
            ("attributes[0].country", ValidationCodes.StandardAttributeInvalid, ValidationSeverity.Warning),
            ("attributes[0].time_zone", ValidationCodes.StandardAttributeInvalid, ValidationSeverity.Warning));
    }

    [Fact]
    public void Bio_is_a_warning_because_Braze_ignores_it_and_image_url_is_a_custom_attribute()
    {
        BothFaces(new TrackRequest().Add(new AttributesUpdate(s_user).Set("bio", "hi").Set("image_url", "https://example.com/a.png")),
            ("attributes[0].bio", ValidationCodes.NotAllowed, ValidationSeverity.Warning));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("9223372036854775808")]
    [InlineData("\"1\"")]
    public void Inc_takes_a_64_bit_integer(string by)
        => Assert.Equal(ValidationCodes.AttributeOperationInvalid, Json($$$"""{"attributes":[{"external_id":"u","n":{"inc":{{{by}}}}}]}""").Errors.Single().Code);

    // ------------------------------------------------------------------ 10. scheduling

    [Fact]
    public void A_create_needs_recipients_an_audience_or_broadcast()
    {
        var nobody = new ScheduleRequest(ScheduleTarget.Canvas, "c", Schedule.At(SoonDates.At(5, 9)));
        Assert.Equal(("recipients", ValidationCodes.RecipientsRequired), (nobody.Validate().Errors.Single().Path, nobody.Validate().Errors.Single().Code));
        var json = BrazePayloadValidator.ValidateScheduleCreate(ScheduleJson("""{"time":"{0}"}""", SoonDates.At(5, 9)), ScheduleTarget.Canvas);
        Assert.Equal(("recipients", ValidationCodes.RecipientsRequired), (json.Errors.Single().Path, json.Errors.Single().Code));
        using var audience = JsonDocument.Parse("""{"AND":[{"custom_attribute":{"custom_attribute_name":"vip","comparison":"equals","value":true}}]}""");
        Assert.True(new ScheduleRequest(ScheduleTarget.Canvas, "c", Schedule.At(SoonDates.At(5, 9))) { Audience = audience.RootElement.Clone() }.Validate().IsValid);
        Assert.True(new ScheduleRequest(ScheduleTarget.Canvas, "c", Schedule.At(SoonDates.At(5, 9))) { Broadcast = true }.Validate().IsValid);
    }

    [Fact]
    public void Schedule_time_is_ISO_8601_and_at_most_90_days_ahead()
    {
        Assert.Equal(ValidationCodes.TimeInvalid, BrazePayloadValidator.ValidateScheduleCreate("""{"canvas_id":"c","broadcast":true,"schedule":{"time":"12/11/2026"}}""", ScheduleTarget.Canvas).Errors.Single().Code);
        var far = new ScheduleRequest(ScheduleTarget.Canvas, "c", Schedule.At(SoonDates.At(91, 12))) { Broadcast = true };
        Assert.Equal(("schedule.time", ValidationCodes.ScheduleTooFarAhead), (far.Validate().Errors.Single().Path, far.Validate().Errors.Single().Code));
        Assert.True(far.Validate(new BrazeValidationOptions { MaxScheduleAhead = TimeSpan.FromDays(120) }).IsValid);
        var json = BrazePayloadValidator.ValidateScheduleCreate(ScheduleJson("""{"time":"{0}"}""", SoonDates.At(91, 12), broadcast: true), ScheduleTarget.Canvas);
        Assert.Equal(ValidationCodes.ScheduleTooFarAhead, json.Errors.Single().Code);
    }

    [Fact]
    public void In_local_time_is_refused_only_once_the_time_has_passed_in_every_time_zone()
    {
        // Six hours ago as a wall-clock time: past in UTC, still ahead in UTC-12.
        var wallClock = DateTime.SpecifyKind(DateTime.UtcNow.AddHours(-6), DateTimeKind.Unspecified);
        Assert.True(new ScheduleRequest(ScheduleTarget.Canvas, "c", Schedule.AtLocalTime(wallClock)) { Broadcast = true }.Validate().IsValid);
        var gone = DateTime.SpecifyKind(DateTime.UtcNow.AddHours(-13), DateTimeKind.Unspecified);
        var refused = new ScheduleRequest(ScheduleTarget.Canvas, "c", Schedule.AtLocalTime(gone)) { Broadcast = true }.Validate();
        Assert.Equal(("schedule.time", ValidationCodes.ScheduleTimePassed), (refused.Errors.Single().Path, refused.Errors.Single().Code));
        var json = BrazePayloadValidator.ValidateScheduleCreate(
            $$$"""{"canvas_id":"c","broadcast":true,"schedule":{"time":"{{{gone:yyyy-MM-ddTHH:mm:ss}}}","in_local_time":true}}""", ScheduleTarget.Canvas);
        Assert.Equal(ValidationCodes.ScheduleTimePassed, json.Errors.Single().Code);
    }

    [Fact]
    public void Too_many_recipients_has_one_path_on_both_faces()
    {
        var recipients = Enumerable.Range(0, 51).Select(i => new Recipient(UserId.External($"u{i}"))).ToList();
        var typed = new ScheduleRequest(ScheduleTarget.Canvas, "c", Schedule.At(SoonDates.At(5, 9))) { Recipients = recipients }.Validate();
        var list = string.Join(",", recipients.Select((_, i) => $$$"""{"external_user_id":"u{{{i}}}"}"""));
        var json = BrazePayloadValidator.ValidateScheduleCreate(
            $$$"""{"canvas_id":"c","recipients":[{{{list}}}],"schedule":{"time":"{{{SoonDates.At(5, 9):yyyy-MM-ddTHH:mm:ssZ}}}"}}""", ScheduleTarget.Canvas);
        Assert.Equal(("recipients", ValidationCodes.TooManyRecipients), (typed.Errors.Single().Path, typed.Errors.Single().Code));
        Assert.Equal(("recipients", ValidationCodes.TooManyRecipients), (json.Errors.Single().Path, json.Errors.Single().Code));
    }

    private static string ScheduleJson(string schedule, DateTimeOffset time, bool broadcast = false)
    {
        var at = time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var flag = broadcast ? ",\"broadcast\":true" : string.Empty;
        return "{\"canvas_id\":\"c\"" + flag + ",\"schedule\":" + schedule.Replace("{0}", at, StringComparison.Ordinal) + "}";
    }

    // ------------------------------------------------------------------ hostile text

    [Theory]
    [InlineData("""{"events":[{"external_id":"u","name":"\ud800","time":"2024-01-01T00:00:00Z"}]}""")]
    [InlineData("""{"events":[{"external_id":"u","name":"\udc00\ud800","time":"2024-01-01T00:00:00Z"}]}""")]
    [InlineData("""{"attributes":[{"external_id":"u","k\ud83d":1}]}""")]
    public void Escaped_lone_surrogates_make_the_body_malformed_and_never_throw(string body)
    {
        var result = Json(body);
        Assert.True(result.IsRequestRejected);
        Assert.Contains("lone surrogate", result.Errors.Single().Message, StringComparison.Ordinal);
        Assert.True(BrazePayloadValidator.ValidateUserUpdateStep(body.Replace("\"external_id\":\"u\",", string.Empty, StringComparison.Ordinal)).IsRequestRejected);
        Assert.True(BrazePayloadValidator.ValidateScheduleCreate(body, ScheduleTarget.Canvas).IsRequestRejected);
        using var document = JsonDocument.Parse(body);
        Assert.True(BrazePayloadValidator.ValidateTrackRequest(document.RootElement).IsRequestRejected);
        Assert.True(BrazePayloadValidator.ValidateScheduleUpdate(document.RootElement, ScheduleTarget.Canvas).IsRequestRejected);
    }

    [Fact]
    public void A_surrogate_pair_written_as_escapes_is_fine()
        => Assert.True(Json("""{"events":[{"external_id":"u","name":"\ud83d\ude00","time":"2024-01-01T00:00:00Z"}]}""").IsValid);

    [Fact]
    public void Invalid_UTF8_is_a_malformed_body_on_every_entry_point()
    {
        byte[] body = [.. "{\"events\":[{\"external_id\":\"u\",\"name\":\""u8, 0xFF, 0xFE, .. "\",\"time\":\"2024-01-01T00:00:00Z\"}]}"u8];
        Assert.True(BrazePayloadValidator.ValidateTrackRequest(body).IsRequestRejected);
        using var document = JsonDocument.Parse(body);
        Assert.True(BrazePayloadValidator.ValidateTrackRequest(document.RootElement).IsRequestRejected);
    }

    [Fact]
    public void Duplicate_fields_of_an_event_or_purchase_reject_that_object_only()
    {
        var result = Json("""{"events":[{"external_id":"u","name":"a","name":"b","time":"2024-01-01T00:00:00Z"},{"external_id":"u","name":"ok","time":"2024-01-01T00:00:00Z"}],"purchases":[{"external_id":"u","product_id":"p","currency":"USD","currency":"EUR","price":1,"time":"2024-01-01T00:00:00Z"}]}""");
        Assert.Equal([("events[0].name", ValidationCodes.NameDuplicate), ("purchases[0].currency", ValidationCodes.NameDuplicate)], result.Errors.Select(e => (e.Path, e.Code)));
        Assert.False(result.IsObjectRejected(TrackArray.Events, 1));
    }
}
