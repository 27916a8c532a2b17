
using Braze.Rules;

namespace Braze.Tests.Rules;

/// <summary>One test per rule: the path, code and message of a violation, and the boundary on both sides.</summary>
public class RuleTests
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly UserId s_user = UserId.External("u");

    private static PayloadValidationResult Event(BrazeProperties? properties = null, string name = "e", BrazeValidationOptions? options = null)
        => new TrackRequest().Add(new TrackEvent(s_user, name, s_time, properties)).Validate(options);

    private static ValidationError Single(PayloadValidationResult result, string code)
    {
        var errors = result.Errors.Where(e => e.Severity == ValidationSeverity.Error).ToList();
        var error = Assert.Single(errors);
        Assert.Equal(code, error.Code);
        return error;
    }

    private static void Agrees(TrackRequest request)
    {
        var typed = request.Validate().Errors.Select(e => (e.Path, e.Code)).ToHashSet();
        var json = BrazePayloadValidator.ValidateTrackRequest(request.ToJson()).Errors.Select(e => (e.Path, e.Code)).ToHashSet();
        Assert.True(typed.SetEquals(json), $"typed {string.Join(",", typed)} json {string.Join(",", json)}");
    }

    [Theory]
    [InlineData(255, true)]
    [InlineData(256, false)]
    public void String_values_are_at_most_255_characters(int length, bool ok)
    {
        var result = Event(new BrazeProperties { { "movie", new string('a', length) } });
        if (ok)
        {
            Assert.True(result.IsValid);
            return;
        }

        var error = Single(result, ValidationCodes.StringTooLong);
        Assert.Equal("events[0].properties.movie", error.Path);
        Assert.Contains("256", error.Message, StringComparison.Ordinal);
        Assert.Contains("255", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Length_counts_code_points_so_an_emoji_counts_once()
    {
        Assert.True(Event(new BrazeProperties { { "s", string.Concat(Enumerable.Repeat("😀", 255)) } }).IsValid);
        Single(Event(new BrazeProperties { { "s", string.Concat(Enumerable.Repeat("😀", 256)) } }), ValidationCodes.StringTooLong);
    }

    [Theory]
    [InlineData("", ValidationCodes.NameEmpty)]
    [InlineData("$price", ValidationCodes.NameLeadingDollar)]
    [InlineData("time", ValidationCodes.NameReserved)]
    [InlineData("event_name", ValidationCodes.NameReserved)]
    public void Event_property_names(string name, string code)
    {
        var error = Single(Event(new BrazeProperties { { name, 1 } }), code);
        Assert.StartsWith("events[0].properties", error.Path, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("product_id")]
    [InlineData("quantity")]
    [InlineData("price")]
    [InlineData("currency")]
    public void Purchase_reserves_more_names_than_events(string name)
    {
        Assert.True(Event(new BrazeProperties { { name, 1 } }).IsValid);
        var purchase = new TrackRequest().Add(new Purchase(s_user, "sku", "USD", 1m, s_time, new BrazeProperties { { name, 1 } })).Validate();
        Assert.Equal($"purchases[0].properties.{name}", Single(purchase, ValidationCodes.NameReserved).Path);
    }

    [Fact]
    public void Property_names_are_at_most_255_characters()
    {
        Assert.True(Event(new BrazeProperties { { new string('n', 255), 1 } }).IsValid);
        Single(Event(new BrazeProperties { { new string('n', 256), 1 } }), ValidationCodes.NameTooLong);
    }

    [Fact]
    public void At_most_256_properties()
    {
        var ok = new BrazeProperties();
        for (var i = 0; i < 256; i++)
        {
            ok.Add("p" + i, i);
        }

        Assert.True(Event(ok).IsValid);
        ok.Add("one_more", 1);
        var error = Single(Event(ok), ValidationCodes.TooManyProperties);
        Assert.Equal("events[0].properties", error.Path);
        Assert.Contains("257", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_properties_are_at_most_51200_bytes()
    {
        // {"a":["xxx..."]} is 10 bytes of JSON around the string.
        static BrazeProperties Sized(int total) => new() { { "a", new[] { new string('x', total - 10) } } };
        var options = new BrazeValidationOptions { MaxStringLength = 100_000 };
        Assert.True(Event(Sized(51_200), options: options).IsValid);
        var error = Single(Event(Sized(51_201), options: options), ValidationCodes.PropertiesTooLarge);
        Assert.Contains("51201", error.Message, StringComparison.Ordinal);

        // Flat properties have no size rule.
        Assert.True(Event(new BrazeProperties { { "a", new string('x', 60_000) } }, options: options).IsValid);
    }

    [Theory]
    [InlineData("", ValidationCodes.EventNameEmpty)]
    [InlineData("256", ValidationCodes.EventNameTooLong)]
    public void Event_names(string name, string code)
    {
        var result = Event(name: name == "256" ? new string('e', 256) : name);
        Assert.Equal("events[0].name", Single(result, code).Path);
        Assert.True(Event(name: new string('e', 255)).IsValid);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(100, true)]
    [InlineData(101, false)]
    public void Quantity_is_1_to_100(int quantity, bool ok)
    {
        var result = new TrackRequest().Add(new Purchase(s_user, "sku", "USD", 1m, s_time) { Quantity = quantity }).Validate();
        Assert.Equal(ok, result.IsValid);
        if (!ok)
        {
            Assert.Equal("purchases[0].quantity", Single(result, ValidationCodes.QuantityOutOfRange).Path);
        }
    }

    [Theory]
    [InlineData("USD", true)]
    [InlineData("JPY", true)]
    [InlineData("usd", false)]
    [InlineData("XYZ", false)]
    [InlineData("", false)]
    public void Currency_is_an_iso_4217_code(string currency, bool ok)
        => Assert.Equal(ok, new TrackRequest().Add(new Purchase(s_user, "sku", currency, 1m, s_time)).Validate().IsValid);

    [Fact]
    public void Product_id_is_non_empty_and_at_most_255()
    {
        Assert.True(new TrackRequest().Add(new Purchase(s_user, new string('p', 255), "USD", 1m, s_time)).Validate().IsValid);
        Single(new TrackRequest().Add(new Purchase(s_user, new string('p', 256), "USD", 1m, s_time)).Validate(), ValidationCodes.ProductIdInvalid);
        Single(new TrackRequest().Add(new Purchase(s_user, "", "USD", 1m, s_time)).Validate(), ValidationCodes.ProductIdInvalid);
        Assert.True(new TrackRequest().Add(new Purchase(s_user, "refund", "USD", -5m, s_time)).Validate().IsValid);
    }

    [Fact]
    public void Objects_per_request_total_and_per_array()
    {
        var request = new TrackRequest();
        for (var i = 0; i < 75; i++)
        {
            request.Add(new TrackEvent(s_user, "e", s_time));
        }

        Assert.True(request.ValidateAsSingleRequest().IsValid);
        request.Add(new Purchase(s_user, "sku", "USD", 1m, s_time));
        var total = request.ValidateAsSingleRequest();
        Assert.True(total.IsRequestRejected);
        Assert.Contains("76", Single(total, ValidationCodes.TooManyObjects).Message, StringComparison.Ordinal);
        Assert.True(request.ValidateAsSingleRequest(new BrazeValidationOptions { ObjectLimitScope = ObjectLimitScope.PerArray }).IsValid);
        request.Add(new TrackEvent(s_user, "e", s_time));
        Assert.True(request.ValidateAsSingleRequest(new BrazeValidationOptions { ObjectLimitScope = ObjectLimitScope.PerArray }).IsRequestRejected);
    }

    [Fact]
    public void Body_over_4_MB_is_rejected()
    {
        var json = "{\"events\":[],\"pad\":\"" + new string('a', 4_000_000) + "\"}";
        var result = BrazePayloadValidator.ValidateTrackRequest(json);
        Assert.True(result.IsRequestRejected);
        Single(result, ValidationCodes.BodyTooLarge);
    }

    [Fact]
    public void Array_attributes_over_500_values_are_sent_with_a_warning_because_Braze_truncates_them()
    {
        var ok = new TrackRequest().Add(new AttributesUpdate(s_user).Set("tags", Enumerable.Range(0, 500).Select(i => "t" + i).ToArray())).Validate();
        Assert.True(ok.IsValid);
        Assert.Empty(ok.Warnings);
        var request = new TrackRequest().Add(new AttributesUpdate(s_user).Set("tags", Enumerable.Range(0, 501).Select(i => "t" + i).ToArray()));
        var result = request.Validate();
        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal((ValidationCodes.ArrayTooLong, "attributes[0].tags"), (warning.Code, warning.Path));
        Assert.Contains("drops the first 1", warning.Message, StringComparison.Ordinal);
        var json = BrazePayloadValidator.ValidateTrackRequest(request.ToJson());
        Assert.True(json.IsValid);
        Assert.Equal((ValidationCodes.ArrayTooLong, "attributes[0].tags"), (Assert.Single(json.Warnings).Code, json.Warnings.Single().Path));
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("dot.ted")]
    [InlineData("$lead")]
    public void Nested_attribute_keys(string key)
    {
        var request = new TrackRequest().Add(new AttributesUpdate(s_user).SetObject("pet", new BrazeProperties { { key, 1 } }));
        var error = request.Validate().Errors.Single();
        Assert.StartsWith("attributes[0].pet", error.Path, StringComparison.Ordinal);
        Agrees(request);
    }

    [Theory]
    [InlineData("country", "DE", true)]
    [InlineData("language", "fr", true)]
    [InlineData("language", "fra", false)]
    [InlineData("gender", "P", true)]
    [InlineData("gender", "X", false)]
    [InlineData("time_zone", "America/New_York", true)]
    [InlineData("email", "ann@example.com", true)]
    [InlineData("email", "ann@", false)]
    [InlineData("phone", "+14155552671", true)]
    [InlineData("phone", "4155552671", false)]
    [InlineData("dob", "1980-12-21", true)]
    [InlineData("dob", "21/12/1980", false)]
    [InlineData("email_subscribe", "opted_in", true)]
    [InlineData("email_subscribe", "yes", false)]
    public void Standard_attributes(string key, string value, bool ok)
    {
        var request = new TrackRequest().Add(new AttributesUpdate(s_user).Set(key, value));
        var result = request.Validate();
        Assert.Equal(ok, result.IsValid);
        if (!ok)
        {
            var error = Single(result, ValidationCodes.StandardAttributeInvalid);
            Assert.Equal($"attributes[0].{key}", error.Path);
            if (key is "email" or "phone")
            {
                Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
            }
        }

        Agrees(request);
    }

    [Fact]
    public void Unspecified_datetime_is_an_error_unless_assumed_utc()
    {
        var unspecified = new DateTime(2024, 1, 1, 12, 0, 0, DateTimeKind.Unspecified);
        var request = new TrackRequest().Add(new TrackEvent(s_user, "e", unspecified));
        Assert.Equal("events[0].time", Single(request.Validate(), ValidationCodes.TimeKindUnspecified).Path);
        Assert.True(request.Validate(new BrazeValidationOptions { AssumeUtcForUnspecifiedDateTime = true }).IsValid);
        Assert.Contains("\"2024-01-01T12:00:00.000Z\"", request.ToJson(new BrazeValidationOptions { AssumeUtcForUnspecifiedDateTime = true }), StringComparison.Ordinal);
    }

    [Fact]
    public void Years_after_3000_and_times_in_arrays_are_errors()
    {
        Single(Event(new BrazeProperties { { "t", new DateTimeOffset(3001, 1, 1, 0, 0, 0, TimeSpan.Zero) } }), ValidationCodes.TimeOutOfRange);
        var error = Single(Event(new BrazeProperties { { "ts", BrazeValue.Array(BrazeValue.From(s_time)) } }), ValidationCodes.TimeInArray);
        Assert.Equal("events[0].properties.ts[0]", error.Path);
        Single(BrazePayloadValidator.ValidateTrackRequest("""{"attributes":[{"external_id":"u","days":[{"$time":"2024-01-01"}]}]}"""), ValidationCodes.TimeInArray);
    }

    [Fact]
    public void Attribute_operation_rules()
    {
        Single(BrazePayloadValidator.ValidateTrackRequest("""{"attributes":[{"external_id":"u","n":{"inc":1.5}}]}"""), ValidationCodes.AttributeOperationInvalid);
        var update = new TrackRequest().Add(new AttributesUpdate(s_user).UpdateObjects("pets", "id", 1, new BrazeProperties { { "name", "x" } }));
        Assert.Equal("attributes[0].pets.$update", Single(update.Validate(), ValidationCodes.AttributeOperationInvalid).Path);
        Agrees(update);
        update.Attributes[0].MergeObjects = true;
        Assert.True(update.Validate().IsValid);
        Single(BrazePayloadValidator.ValidateTrackRequest("""{"attributes":[{"external_id":"u","pet":{"name":null}}]}"""), ValidationCodes.InvalidType);
        Single(BrazePayloadValidator.ValidateTrackRequest("""{"attributes":[{"external_id":"u","pet":{"born":{"$time":"garbage"}}}]}"""), ValidationCodes.TimeInvalid);
    }

    private static BrazeProperties Nested(int levels)
    {
        var properties = new BrazeProperties { { "leaf", 1 } };
        for (var i = 1; i < levels; i++)
        {
            properties = new BrazeProperties { { "n", properties } };
        }

        return properties;
    }

    [Fact]
    public void A_value_nested_too_deep_is_its_objects_error_once_on_both_faces()
    {
        // properties (1) + 32 levels of "n": the 33rd level crosses the limit of 32 below the event object.
        var request = new TrackRequest()
            .Add(new TrackEvent(s_user, "deep", s_time, Nested(40)))
            .Add(new TrackEvent(s_user, "fine", s_time, Nested(30)));
        var error = Single(request.Validate(), ValidationCodes.NestingTooDeep);
        Assert.Equal(33, error.Path.Split('.').Length - 1); // events[0] then 33 names
        Assert.True(request.Validate().IsObjectRejected(TrackArray.Events, 0));
        Assert.False(request.Validate().IsObjectRejected(TrackArray.Events, 1));
        Agrees(request);
    }

    [Fact]
    public void A_body_nested_deeper_than_a_JSON_reader_takes_rejects_only_that_object()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"n\":", 100)) + "1" + new string('}', 100);
        var body = $$$"""{"events":[{"external_id":"u","name":"deep","time":"2024-05-01T00:00:00Z","properties":{{{deep}}}},{"external_id":"u","name":"fine","time":"2024-05-01T00:00:00Z"}]}""";
        var result = BrazePayloadValidator.ValidateTrackRequest(body);
        Assert.False(result.IsRequestRejected);
        Assert.True(result.IsObjectRejected(TrackArray.Events, 0));
        Assert.False(result.IsObjectRejected(TrackArray.Events, 1));
        Assert.Equal(ValidationCodes.NestingTooDeep, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void Alias_parts_alone_are_not_attributes_on_either_face()
    {
        var error = Single(BrazePayloadValidator.ValidateTrackRequest("""{"attributes":[{"external_id":"u","alias_label":"crm"}]}"""), ValidationCodes.NotAllowed);
        Assert.Equal("attributes[0].alias_label", error.Path);
        Assert.Throws<ArgumentException>(() => new AttributesUpdate(s_user).Set("alias_name", "n"));
    }

    [Fact]
    public void Identifier_rules()
    {
        Single(BrazePayloadValidator.ValidateTrackRequest("""{"events":[{"name":"e","time":"2024-01-01T00:00:00Z"}]}"""), ValidationCodes.IdentifierMissing);
        var several = BrazePayloadValidator.ValidateTrackRequest("""{"events":[{"external_id":"a","braze_id":"b","name":"e","time":"2024-01-01T00:00:00Z"}]}""");
        Assert.True(several.IsValid);
        Assert.Equal(ValidationCodes.IdentifierMultiple, Assert.Single(several.Warnings).Code);
        Assert.Equal("events[0].user_alias.alias_label", Single(new TrackRequest().Add(new TrackEvent(UserId.Alias("n", ""), "e", s_time)).Validate(), ValidationCodes.IdentifierInvalid).Path);
        Assert.True(BrazePayloadValidator.ValidateTrackRequest("""{"attributes":[{"external_id":"a","email":"ann@example.com"}]}""").Warnings.Count() == 0);
    }

    [Fact]
    public void Push_token_import_rules()
    {
        var ok = BrazePayloadValidator.ValidateTrackRequest("""{"attributes":[{"push_token_import":true,"push_tokens":[{"app_id":"a","token":"t"}]}]}""");
        Assert.True(ok.IsValid);
        var withId = BrazePayloadValidator.ValidateTrackRequest("""{"attributes":[{"push_token_import":true,"external_id":"u","push_tokens":[{"app_id":"a","token":"t"}]}]}""");
        Assert.Equal("attributes[0].push_token_import", Single(withId, ValidationCodes.PushTokenImportInvalid).Path);
        Single(BrazePayloadValidator.ValidateTrackRequest("""{"attributes":[{"push_token_import":true}]}"""), ValidationCodes.PushTokenImportInvalid);
    }

    [Fact]
    public void Export_requests_keep_brazes_limits_and_name_the_path()
    {
        var users = Enumerable.Range(0, 51).Select(i => UserId.External("u" + i)).Append(UserId.Alias("", "crm")).Append(UserId.BrazeId("b1")).Append(UserId.BrazeId("b2"));
        var errors = new UsersExportRequest(users) { FieldsToExport = ["email", " "] }.Validate().Errors.Select(e => (e.Path, e.Code)).ToList();
        Assert.Equal(
            [("external_ids", ValidationCodes.TooManyObjects), ("braze_id", ValidationCodes.TooManyObjects), ("user_aliases[0].alias_name", ValidationCodes.IdentifierInvalid), ("fields_to_export[1]", ValidationCodes.NameEmpty)],
            errors);
        Assert.False(new UsersExportRequest().Validate().IsValid);
        Assert.True(new UsersExportRequest(UserId.External("u"), UserId.Alias("n", "l"), UserId.Email("a@example.com")).Validate().IsValid);
    }

    [Fact]
    public void Typed_push_tokens_write_braze_json_and_follow_the_same_rules()
    {
        var anonymous = new TrackRequest().Add(AttributesUpdate.ImportAnonymousPushTokens(new PushToken("app-1", "tok-1", "dev-1"), new PushToken("app-1", "tok-2")));
        Assert.Equal("""{"attributes":[{"push_token_import":true,"push_tokens":[{"app_id":"app-1","token":"tok-1","device_id":"dev-1"},{"app_id":"app-1","token":"tok-2"}]}]}""", anonymous.ToJson());
        Assert.True(anonymous.Validate().IsValid);
        Agrees(anonymous);

        var identified = new TrackRequest().Add(new AttributesUpdate(s_user).AddPushTokens(new PushToken("app-1", "tok-1")).AddPushTokens(new PushToken("app-1", "")));
        Assert.Equal("""{"attributes":[{"external_id":"u","push_tokens":[{"app_id":"app-1","token":"tok-1"},{"app_id":"app-1","token":""}]}]}""", identified.ToJson());
        Assert.Equal("attributes[0].push_tokens[1].token", Single(identified.Validate(), ValidationCodes.IdentifierInvalid).Path);
        Agrees(identified);

        var empty = new TrackRequest().Add(AttributesUpdate.ImportAnonymousPushTokens());
        Assert.Equal("attributes[0].push_token_import", Single(empty.Validate(), ValidationCodes.PushTokenImportInvalid).Path);
        Agrees(empty);
    }

    [Fact]
    public void A_rejected_object_does_not_reject_its_neighbours()
    {
        var result = BrazePayloadValidator.ValidateTrackRequest("""
            {"events":[{"external_id":"a","name":"ok","time":"2024-01-01T00:00:00Z"},{"external_id":"a","name":"","time":"2024-01-01T00:00:00Z"}],
             "purchases":[{"external_id":"a","product_id":"p","currency":"USD","price":1,"time":"2024-01-01T00:00:00Z"}]}
            """);
        Assert.False(result.IsRequestRejected);
        Assert.False(result.IsObjectRejected(TrackArray.Events, 0));
        Assert.True(result.IsObjectRejected(TrackArray.Events, 1));
        Assert.False(result.IsObjectRejected(TrackArray.Purchases, 0));
    }

    [Fact]
    public void Malformed_json_is_one_clear_error()
    {
        var result = BrazePayloadValidator.ValidateTrackRequest("{\"events\": [1,");
        var error = Single(result, ValidationCodes.MalformedJson);
        Assert.Equal("$", error.Path);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
        Assert.True(result.IsRequestRejected);
    }

    [Fact]
    public void User_update_step_rules()
    {
        Assert.True(BrazePayloadValidator.ValidateUserUpdateStep("""{"attributes":[{"points":{"inc":{{context.${points}}}},"coupon":"{{context.${code}}}"}]}""").IsValid);
        var identifiers = BrazePayloadValidator.ValidateUserUpdateStep("""{"attributes":[{"external_id":"u","x":1}]}""");
        Assert.Equal("attributes[0].external_id", Single(identifiers, ValidationCodes.UserUpdateStepForbidden).Path);
        Single(BrazePayloadValidator.ValidateUserUpdateStep("""{"attributes":[{"push_token_import":true}]}"""), ValidationCodes.UserUpdateStepForbidden);
        Single(BrazePayloadValidator.ValidateUserUpdateStep("""{"users":[]}"""), ValidationCodes.UserUpdateStepForbidden);
        Single(BrazePayloadValidator.ValidateUserUpdateStep("""{"attributes":[{"url":"https://rest.iad-01.braze.com/users/track"}]}"""), ValidationCodes.UserUpdateStepForbidden);
        Single(BrazePayloadValidator.ValidateUserUpdateStep("""{"attributes":[{"api_key":"abc"}]}"""), ValidationCodes.UserUpdateStepForbidden);
        var warning = BrazePayloadValidator.ValidateUserUpdateStep("""{"attributes":[{"last":"{{event_properties.${movie}}}"}]}""");
        Assert.True(warning.IsValid);
        Assert.Equal(ValidationCodes.EventPropertiesReference, Assert.Single(warning.Warnings).Code);
        var canvasTag = BrazePayloadValidator.ValidateUserUpdateStep("""{"attributes":[{"last_canvas":"{{ canvas_name }}","ok":"{{context.${canvas_name}}}"}]}""");
        var tagError = Single(canvasTag, ValidationCodes.UserUpdateStepForbidden);
        Assert.Equal("attributes[0].last_canvas", tagError.Path);
        Assert.Contains("canvas_name", tagError.Message, StringComparison.Ordinal);
        var typed = new TrackRequest().Add(AttributesUpdate.ForUserUpdateStep().Set("variant", BrazeValue.Liquid("{% if canvas_variant_name == 'A' %}a{% endif %}"))).ValidateAsUserUpdateStep();
        Assert.Equal("attributes[0].variant", Single(typed, ValidationCodes.UserUpdateStepForbidden).Path);
        Assert.True(BrazePayloadValidator.ValidateUserUpdateStep("""{"attributes":[{"plain":"my canvas_name is text"}]}""").IsValid);
        var tooLong = BrazePayloadValidator.ValidateUserUpdateStep("{\"attributes\":[{\"a\":\"" + new string('x', 65_536) + "\"}]}");
        Assert.Contains(tooLong.Errors, e => e.Code == ValidationCodes.UserUpdateStepTooLong);
    }
}
