using System.Text;
using CsCheck;
using Braze.Shared;
using Braze.Wire;

namespace Braze.Tests.Checks;

/// <summary>
/// The two faces of the one rule engine agree: a typed request and its serialized JSON produce the same errors
/// (path and code). Excluded by design: a time placed directly inside an array (JSON cannot tell it from a string)
/// and a DateTime of kind Unspecified (it cannot be serialized at all); both are covered by unit tests.
/// </summary>
public class AgreementPropertyTests
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Gen<string> GenName = Gen.OneOf(
        Gen.OneOf("movie", "price_paid", "genre", "time", "event_name", "product_id", "quantity", "currency", "$bad", "", "with space", "dot.ted"),
        Gen.Char.AlphaNumeric.Array[1, 12].Select(c => new string(c)),
        Gen.Const(new string('n', 256)));

    private static readonly Gen<string> GenString = Gen.OneOf(
        Gen.Char.AlphaNumeric.Array[0, 20].Select(c => new string(c)),
        Gen.Const(new string('s', 255)),
        Gen.Const(new string('s', 256)),
        Gen.Const(string.Concat(Enumerable.Repeat("😀", 255))),
        Gen.Const(string.Concat(Enumerable.Repeat("😀", 256))),
        Gen.Const("2024-05-01T00:00:00Z"),
        Gen.Const("3500-05-01T00:00:00Z"));

    private static readonly Gen<BrazeValue> GenScalar = Gen.OneOf(
        GenString.Select(BrazeValue.From),
        Gen.Long.Select(BrazeValue.From),
        Gen.Double[-1e6, 1e6].Select(BrazeValue.From),
        Gen.Bool.Select(BrazeValue.From),
        Gen.Int[1990, 2030].Select(y => BrazeValue.From(new DateTimeOffset(y, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)))),
        Gen.Const(BrazeValue.From(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc))));

    private static readonly Gen<BrazeProperties> GenNested = Gen.Select(GenName, GenScalar).Array[0, 4].Select(Props);

    private static readonly Gen<BrazeValue> GenValue = Gen.OneOf(
        GenScalar,
        GenScalar,
        GenString.Array[0, 5].Select(s => BrazeValue.Array((IEnumerable<string>)s)),
        GenNested.Select(p => BrazeValue.From(p)));

    private static readonly Gen<BrazeProperties> GenProperties = Gen.Select(GenName, GenValue).Array[0, 6].Select(Props);

    private static BrazeProperties Props((string, BrazeValue)[] items)
    {
        var props = new BrazeProperties();
        foreach (var (name, value) in items)
        {
            props[name] = value;
        }

        return props;
    }

    private static readonly Gen<UserId> GenUser = Gen.OneOf(
        Gen.Char.AlphaNumeric.Array[0, 8].Select(c => UserId.External(new string(c))),
        Gen.OneOf(UserId.Email("ann@example.com"), UserId.Email("not-an-email"), UserId.Phone("+14155552671"), UserId.Phone("12345"),
            UserId.Alias("n", "crm"), UserId.Alias("n", ""), UserId.BrazeId("b1")));

    private static readonly Gen<TrackEvent> GenEvent = Gen.Select(GenUser, Gen.OneOf("rented_movie", "", new string('e', 256)), GenProperties.Null())
        .Select((u, n, p) => new TrackEvent(u, n, s_time, p));

    private static readonly Gen<Purchase> GenPurchase = Gen.Select(GenUser, Gen.OneOf("sku", "", new string('p', 256)), Gen.OneOf("USD", "EUR", "usd", "XYZ"), Gen.Int[-1, 102], GenProperties.Null())
        .Select((u, id, cur, q, p) => new Purchase(u, id, cur, 9.99m, s_time, p) { Quantity = q });

    private static readonly Gen<AttributesUpdate> GenAttributes = Gen.Select(GenUser, Gen.Int[0, 8], GenName, GenValue, GenNested)
        .Select((u, op, name, value, nested) =>
        {
            var a = new AttributesUpdate(u);
            var key = name.Length == 0 || name is "external_id" ? "k" : name;
            if (StandardFields.KindOf(key) is StandardFieldKind.Identifier or StandardFieldKind.ControlFlag)
            {
                key = "k";
            }

            _ = op switch
            {
                0 => a.Set(key, value),
                1 => a.Increment(key, 3),
                2 => a.AddToArray(key, "x", "y").RemoveFromArray(key, "z"),
                3 => a.SetObject(key, nested),
                4 => a.AddObjects(key, nested).RemoveObjects(key, "id", 3),
                5 => a.UpdateObjects(key, "id", 1, nested),
                6 => a.SetCountry(key.Length == 2 ? key.ToUpperInvariant() : "US").SetLanguage("xx").SetTimeZone("America/New_York"),
                7 => a.SetEmail("bad").SetPhone("+15555550100").SetDateOfBirth(new DateOnly(1980, 1, 2)),
                _ => a.Remove(key),
            };
            return a;
        });

    private static readonly Gen<TrackRequest> GenRequest = Gen.Select(GenAttributes.Array[0, 3], GenEvent.Array[0, 3], GenPurchase.Array[0, 3])
        .Select((a, e, p) => new TrackRequest(a, e, p));

    [Fact]
    public void Typed_and_json_validation_report_the_same_errors()
    {
        var withErrors = 0;
        var valid = 0;
        GenRequest.Sample(request =>
        {
            var typed = request.Validate();
            _ = typed.IsValid ? Interlocked.Increment(ref valid) : Interlocked.Increment(ref withErrors);
            var json = BrazePayloadValidator.ValidateTrackRequest(request.ToJson());
            var expected = Errors(typed);
            var actual = Errors(json);
            Assert.True(expected.SetEquals(actual), $"typed only: {string.Join("; ", expected.Except(actual))}\njson only: {string.Join("; ", actual.Except(expected))}\njson: {request.ToJson()}");
        }, iter: 1500);

        // Not vacuous: both faces see plenty of broken and of valid requests.
        Assert.True(withErrors > 300, $"{withErrors} requests with errors");
        Assert.True(valid > 15, $"{valid} valid requests");
    }

    private static HashSet<string> Errors(PayloadValidationResult result)
        => result.Errors.Where(e => e.Severity == ValidationSeverity.Error).Select(e => $"{e.Path} {e.Code}").ToHashSet();

    [Fact]
    public void Random_and_mutated_json_never_throws()
    {
        var valid = new TrackRequest()
            .Add(new AttributesUpdate(UserId.External("u")).Set("a", 1).AddToArray("t", "x").SetObject("o", new BrazeProperties { { "k", s_time } }))
            .Add(new TrackEvent(UserId.External("u"), "e", s_time, new BrazeProperties { { "p", new[] { "a" } } }))
            .Add(new Purchase(UserId.External("u"), "sku", "USD", 1m, s_time)).ToJson();
        var bytes = Encoding.UTF8.GetBytes(valid);
        var genMutation = Gen.Select(Gen.Int[0, bytes.Length - 1], Gen.Byte, Gen.Int[0, 3]);
        genMutation.Sample((position, value, kind) =>
        {
            var mutated = kind switch
            {
                0 => bytes[..position],
                1 => [.. bytes[..position], value, .. bytes[(position + 1)..]],
                2 => [.. bytes[..position], .. bytes[(position + 1)..]],
                _ => [.. bytes[..position], (byte)'{', (byte)'}', .. bytes[position..]],
            };
            _ = BrazePayloadValidator.ValidateTrackRequest(mutated);
            _ = BrazePayloadValidator.ValidateUserUpdateStep(Encoding.UTF8.GetString(mutated));
        }, iter: 3000);

        Gen.Byte.Array[0, 200].Sample(random =>
        {
            _ = BrazePayloadValidator.ValidateTrackRequest(random);
            _ = BrazePayloadValidator.ValidateUserUpdateStep(Encoding.UTF8.GetString(random));
        }, iter: 2000);

        var genJson = Gen.Recursive<string>((depth, self) => depth > 3
            ? Gen.OneOf("1", "\"s\"", "null", "true", "{\"$time\":\"x\"}", "{\"inc\":\"a\"}")
            : Gen.OneOf(
                Gen.OneOf("1", "-0.5e300", "\"2024-01-01\"", "null", "false", "{\"$time\":null}", "{\"add\":1}", "{\"$update\":[1]}"),
                self.Array[0, 3].Select(a => "[" + string.Join(",", a) + "]"),
                Gen.Select(Gen.OneOf("external_id", "events", "attributes", "purchases", "name", "time", "properties", "price", "quantity", "user_alias", "$add", "inc", "email", "push_token_import", "push_tokens", "dob", "subscription_groups", "current_location"), self).Array[0, 4]
                    .Select(p => "{" + string.Join(",", p.Select(x => $"\"{x.Item1}\":{x.Item2}")) + "}")));
        genJson.Sample(json =>
        {
            _ = BrazePayloadValidator.ValidateTrackRequest(json);
            _ = BrazePayloadValidator.ValidateTrackRequest("{\"attributes\":[" + json + "],\"events\":[" + json + "],\"purchases\":[" + json + "]}");
            _ = BrazePayloadValidator.ValidateUserUpdateStep(json);
            _ = BrazePayloadValidator.ValidateScheduleCreate(json, ScheduleTarget.Canvas);
        }, iter: 3000);
    }

    [Fact]
    public void Random_time_strings_never_throw_and_round_trip()
    {
        Gen.String.Sample(text => { BrazeTime.TryParse(text, out _); }, iter: 5000);
        Gen.Select(Gen.Int[1, 3000], Gen.Int[1, 12], Gen.Int[1, 28], Gen.Int[0, 23], Gen.Int[0, 59], Gen.Int[0, 59], Gen.Int[0, 999], Gen.Int[-14 * 60, 14 * 60])
            .Sample((y, mo, d, h, mi, s, ms, offsetMinutes) =>
            {
                DateTimeOffset value;
                try
                {
                    value = new DateTimeOffset(y, mo, d, h, mi, s, ms, TimeSpan.FromMinutes(offsetMinutes));
                }
                catch (ArgumentOutOfRangeException)
                {
                    return;
                }

                var formatted = BrazeTime.Format(value);
                Assert.True(BrazeTime.TryParse(formatted, out var parsed), formatted);
                Assert.Equal(value.UtcDateTime, parsed.UtcDateTime);
                Assert.True(BrazeTime.TryParse(value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture), out var iso));
                Assert.Equal(value.UtcDateTime, iso.UtcDateTime);
            }, iter: 3000);
    }
}
