using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Braze.Emulator;
using Braze.Tests;
using CsCheck;

namespace Braze.IntegrationTests;

/// <summary>
/// Issue 14 over HTTP: what the emulator stores and answers for payloads Braze treats in its own way (truncation,
/// dedupe, limits on the stored result, nested updates dropped together), and hostile input that must never be a 500.
/// </summary>
public sealed class EmulatorFidelityTests : IAsyncLifetime
{
    private BrazeEmulator _emulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { Validation = new BrazeValidationOptions { MaxArrayAttributeLength = 3 } });
        _http = EmulatorHttpTests.Client(_emulator);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> Post(string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await _http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private Task<(HttpStatusCode Status, JsonNode? Body)> Post(string path, string json) => Post(path, Encoding.UTF8.GetBytes(json));

    private async Task<JsonNode> Custom(string externalId)
        => (await _emulator.Store.GetProfileAsync(externalId))?["custom_attributes"] ?? throw new InvalidOperationException($"no profile {externalId}");

    [Fact]
    public async Task An_array_set_is_deduplicated_and_truncated_to_the_last_values_with_a_warning_and_no_error()
    {
        var (status, body) = await Post("/users/track", """{"attributes":[{"external_id":"arr","food":["hotdog","hotdog","pizza"],"tags":["a","b","c","d","e"]}]}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Null(body!["errors"]);
        var custom = await Custom("arr");
        Assert.Equal("""["hotdog","pizza"]""", custom["food"]!.ToJsonString());
        Assert.Equal("""["c","d","e"]""", custom["tags"]!.ToJsonString());
    }

    [Fact]
    public async Task An_invalid_nested_value_drops_every_nested_update_of_the_request_but_not_the_flat_ones()
    {
        await Post("/users/track", """{"attributes":[{"external_id":"n1","car":{"make":"VW"}}]}""");
        var (status, body) = await Post("/users/track", """
            {"attributes":[
              {"external_id":"n1","car":{"make":"BMW"},"vip":true},
              {"external_id":"n2","pet":{"born":{"$time":"not a time"}}},
              {"external_id":"n3","pets":[{"name":"Rex"}],"level":3}]}
            """);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Single(body!["errors"]!.AsArray()); // the bad object is named; the others were accepted
        var n1 = await Custom("n1");
        Assert.Equal("VW", n1["car"]!["make"]!.GetValue<string>());
        Assert.True(n1["vip"]!.GetValue<bool>());
        var n3 = await Custom("n3");
        Assert.Null(n3["pets"]);
        Assert.Equal(3, n3["level"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_merge_or_add_whose_stored_result_would_pass_the_limit_is_dropped()
    {
        var half = new string('x', 250);
        string Object(string prefix) => "{" + string.Join(",", Enumerable.Range(0, 120).Select(i => $"\"{prefix}{i}\":\"{half}\"")) + "}";
        Assert.Equal(HttpStatusCode.Created, (await Post("/users/track", $$$"""{"attributes":[{"external_id":"big","doc":{{{Object("a")}}}}]}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await Post("/users/track", $$$"""{"attributes":[{"external_id":"big","_merge_objects":true,"doc":{{{Object("b")}}}}]}""")).Status);
        var doc = (await Custom("big"))["doc"]!.AsObject();
        Assert.Equal(120, doc.Count);
        Assert.True(doc.ContainsKey("a0"));

        var items = string.Join(",", Enumerable.Range(0, 120).Select(i => $$"""{"id":{{i}},"v":"{{half}}"}"""));
        Assert.Equal(HttpStatusCode.Created, (await Post("/users/track", $$$"""{"attributes":[{"external_id":"big","list":{"$add":[{{{items}}}]}}]}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await Post("/users/track", $$$"""{"attributes":[{"external_id":"big","list":{"$add":[{{{items}}}]}}]}""")).Status);
        Assert.Equal(120, (await Custom("big"))["list"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_null_email_with_no_other_identifier_is_a_minor_error_and_nothing_is_applied()
    {
        var before = await _emulator.Store.ProfileCountAsync();
        var (status, body) = await Post("/users/track", """{"attributes":[{"email":null,"first_name":"x"}]}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("identifier_missing", body!["errors"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(before, await _emulator.Store.ProfileCountAsync());
    }

    [Fact]
    public async Task Values_Braze_does_not_keep_as_given_year_0_and_inc_overflow()
    {
        await Post("/users/track", """{"attributes":[{"external_id":"std","country":"DE","time_zone":"Europe/Berlin","n":{"inc":9223372036854775800}}]}""");
        var (status, body) = await Post("/users/track", """
            {"attributes":[{"external_id":"std","country":"Australia","time_zone":"Eastern Time (US & Canada)","bio":"hello","image_url":"https://example.com/a.png",
                            "born":"0000-01-01T00:00:00Z","n":{"inc":100}}]}
            """);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Null(body!["errors"]);
        var profile = (await _emulator.Store.GetProfileAsync("std"))!;
        Assert.Null(profile["country"]); // unmappable: NULL
        Assert.Equal("Europe/Berlin", profile["time_zone"]!.GetValue<string>()); // invalid: not set
        var custom = profile["custom_attributes"]!;
        Assert.Null(custom["bio"]);
        Assert.Equal("https://example.com/a.png", custom["image_url"]!.GetValue<string>());
        Assert.Equal("0000-01-01T00:00:00Z", custom["born"]!.GetValue<string>()); // a time of year 0: accepted
        Assert.Equal(9223372036854775800, custom["n"]!.GetValue<long>()); // the overflowing increment was dropped
    }

    [Fact]
    public async Task Scheduled_broadcasts_list_the_Canvas_id_as_id()
    {
        var at = SoonDates.At(3, 9).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var (created, answer) = await Post("/canvas/trigger/schedule/create", $$$"""{"canvas_id":"canvas-42","broadcast":true,"schedule":{"time":"{{{at}}}"}}""");
        Assert.Equal(HttpStatusCode.Created, created);
        var end = SoonDates.Day(10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var list = JsonNode.Parse(await _http.GetStringAsync($"/messages/scheduled_broadcasts?end_time={end}"))!["scheduled_broadcasts"]!.AsArray();
        var item = list.Single(i => i!["id"]!.GetValue<string>() == "canvas-42")!;
        Assert.NotEqual(answer!["schedule_id"]!.GetValue<string>(), item["id"]!.GetValue<string>());
        Assert.Equal("Canvas", item["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Schedule_rules_are_the_validator_s_no_recipients_a_US_date_and_too_far_ahead_are_400()
    {
        var soon = SoonDates.At(3, 9).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("/canvas/trigger/schedule/create", $$$"""{"canvas_id":"c","schedule":{"time":"{{{soon}}}"}}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("/canvas/trigger/schedule/create", """{"canvas_id":"c","broadcast":true,"schedule":{"time":"12/11/2026"}}""")).Status);
        var far = SoonDates.At(100, 9).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var (status, body) = await Post("/campaigns/trigger/schedule/create", $$$"""{"campaign_id":"k","broadcast":true,"schedule":{"time":"{{{far}}}"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("90 days", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> HostileBodies => new()
    {
        { "/users/track", """{"events":[{"external_id":"h","name":"a","name":"b","time":"2024-01-01T00:00:00Z"}],"purchases":[{"external_id":"h","product_id":"p","product_id":"q","currency":"USD","price":1,"time":"2024-01-01T00:00:00Z"}]}""" },
        { "/users/track", """{"events":[{"external_id":"h","name":"\ud800","time":"2024-01-01T00:00:00Z"}]}""" },
        { "/users/export/ids", """{"external_ids":["\udfff"]}""" },
        { "/canvas/trigger/schedule/create", """{"canvas_id":"\ud800","broadcast":true,"schedule":{"time":"2030-01-01T00:00:00Z"}}""" },
        { "/canvas/trigger/schedule/update", """{"canvas_id":"c","schedule_id":"\udc00","schedule":{"time":"2030-01-01T00:00:00Z"}}""" },
        { "/campaigns/trigger/schedule/delete", """{"campaign_id":"c","schedule_id":"s","schedule_id":"t"}""" },
        { "/users/track", """{"attributes":[{"external_id":"h","n":1e400,"m":{"inc":1e400}}]}""" },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task Hostile_bodies_get_a_Braze_style_answer_never_a_500(string path, string body)
    {
        var (status, answer) = await Post(path, body);
        Assert.True((int)status is >= 200 and < 500, $"{path} answered {(int)status}");
        Assert.NotNull(answer?["message"]);
    }

    [Theory]
    [InlineData("/users/track")]
    [InlineData("/users/export/ids")]
    [InlineData("/canvas/trigger/schedule/create")]
    [InlineData("/campaigns/trigger/schedule/update")]
    public async Task Invalid_UTF8_is_a_400_on_every_endpoint(string path)
    {
        byte[] body = [.. "{\"external_ids\":[\""u8, 0xC3, 0x28, .. "\"],\"canvas_id\":\"c\"}"u8];
        var (status, answer) = await Post(path, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("UTF-8", answer!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_object_nested_past_the_limit_is_a_minor_error_and_its_neighbours_apply()
    {
        var deep = new StringBuilder().Insert(0, "{\"a\":", 300).Append('1').Append('}', 300).ToString();
        var (status, body) = await Post("/users/track", $$$"""{"events":[{"external_id":"d1","name":"e","time":"2024-01-01T00:00:00Z","properties":{"p":{{{deep}}}}},{"external_id":"d2","name":"e","time":"2024-01-01T00:00:00Z"}]}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(1, body!["events_processed"]!.GetValue<int>());
        Assert.Equal("nesting_too_deep", body["errors"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_hostile_body_on_any_endpoint_gets_a_500()
    {
        // CI sends a few hundred over HTTP; BRAZE_FUZZ_ITERATIONS raises it for a soak.
        string[] paths = ["/users/track", "/users/export/ids", "/canvas/trigger/schedule/create", "/campaigns/trigger/schedule/update", "/canvas/trigger/schedule/delete"];
        for (var i = 0; i < HostileJson.Iterations(300); i++)
        {
            var path = paths[i % paths.Length];
            var body = HostileJson.Bodies.Single();
            var (status, answer) = await Post(path, body);
            Assert.True((int)status is >= 200 and < 500, $"{path} answered {(int)status} to {Convert.ToBase64String(body)}");
            if ((int)status >= 400)
            {
                Assert.NotNull(answer?["message"]);
            }
        }
    }
}
