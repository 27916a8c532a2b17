using Braze.Tests;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Braze.Emulator;

namespace Braze.IntegrationTests;

/// <summary>The emulator over real HTTP with a plain HttpClient: answers, semantics, limits, faults, storage.</summary>
public sealed class EmulatorHttpTests : IAsyncLifetime
{
    private BrazeEmulator _emulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions
        {
            Validation = new BrazeValidationOptions { MaxArrayAttributeLength = 3 },
        });
        _http = Client(_emulator);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    internal static HttpClient Client(BrazeEmulator emulator, string? key = null)
    {
        var http = new HttpClient { BaseAddress = emulator.BaseUrl };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + (key ?? emulator.ApiKey));
        return http;
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Post(string path, string json, HttpClient? http = null)
    {
        var response = await (http ?? _http).PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response);
    }

    private async Task<JsonObject> Profile(string externalId)
        => (await _emulator.Store.GetProfileAsync(externalId)) ?? throw new InvalidOperationException($"no profile {externalId}");

    [Theory]
    [InlineData(null)]
    [InlineData("'emulator-key'")]
    [InlineData("\"emulator-key\"")]
    [InlineData("wrong")]
    public async Task Missing_quoted_or_wrong_keys_answer_401(string? key)
    {
        using var http = new HttpClient { BaseAddress = _emulator.BaseUrl };
        if (key is not null)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + key);
        }

        var (status, body, _) = await Post("/users/track", "{}", http);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("Unauthorized", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Track_answers_201_with_counts_and_rate_limit_headers()
    {
        var (status, body, response) = await Post("/users/track", """
            {"attributes":[{"external_id":"u1","first_name":"Ann"}],
             "events":[{"external_id":"u1","name":"rented_movie","time":"2013-07-16T19:20:30+01:00"}],
             "purchases":[{"external_id":"u1","product_id":"backpack","currency":"USD","price":40.0,"time":"2013-07-16T19:20:30+01:00"}]}
            """);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("success", body!["message"]!.GetValue<string>());
        Assert.Equal(1, body["attributes_processed"]!.GetValue<int>());
        Assert.Equal(1, body["events_processed"]!.GetValue<int>());
        Assert.Equal(1, body["purchases_processed"]!.GetValue<int>());
        Assert.Equal("3000", response.Headers.GetValues("x-ratelimit-limit").Single());
        Assert.True(long.Parse(response.Headers.GetValues("X-RATELIMIT-RESET").Single(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1);
        var profile = await Profile("u1");
        Assert.Equal("Ann", profile["first_name"]!.GetValue<string>());
        Assert.Equal("2013-07-16T18:20:30.000Z", profile["custom_events"]![0]!["first"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_invalid_object_is_reported_as_a_minor_error_and_the_rest_is_applied()
    {
        var (status, body, _) = await Post("/users/track", """
            {"events":[{"external_id":"u2","name":"ok","time":"2024-01-01T00:00:00Z"},
                       {"external_id":"u2","name":"bad","time":"2024-01-01T00:00:00Z","properties":{"time":"reserved"}},
                       {"external_id":"u2","name":"ok","time":"2024-01-02T00:00:00Z"}]}
            """);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(2, body!["events_processed"]!.GetValue<int>());
        var error = Assert.Single(body["errors"]!.AsArray());
        Assert.Equal("events", error!["input_array"]!.GetValue<string>());
        Assert.Equal(1, error["index"]!.GetValue<int>());
        Assert.Equal("events[1].properties.time", error["path"]!.GetValue<string>());
        Assert.Equal(2, (await Profile("u2"))["custom_events"]![0]!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Request_level_errors_answer_400_or_413_with_brazes_messages()
    {
        var (malformed, m, _) = await Post("/users/track", "{\"events\": [");
        Assert.Equal(HttpStatusCode.BadRequest, malformed);
        Assert.StartsWith("Bad Request: The body is not valid JSON", m!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var events = string.Join(",", Enumerable.Range(0, 76).Select(i => $$"""{"external_id":"x{{i}}","name":"e","time":"2024-01-01T00:00:00Z"}"""));
        var (tooMany, t, _) = await Post("/users/track", $$"""{"events":[{{events}}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany);
        Assert.Equal("Max Input Length Exceeded", t!["message"]!.GetValue<string>());
        Assert.Null(await _emulator.Store.GetProfileAsync("x0"));

        var big = new string('a', 4_000_001);
        var (tooLarge, _, _) = await Post("/users/track", $$"""{"events":[],"pad":"{{big}}"}""");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge);
    }

    [Fact]
    public async Task Attribute_operations_apply_braze_semantics()
    {
        await Post("/users/track", """
            {"attributes":[{"external_id":"a1","color":"red","points":10,"tags":["a","b","c"],"pet":{"name":"Rex","age":3},
              "pets":[{"id":1,"name":"Gus"},{"id":2,"name":"Fay"}],"birthday":{"$time":"1980-01-01"}}]}
            """);
        var (status, body, _) = await Post("/users/track", """
            {"attributes":[{"external_id":"a1","_merge_objects":true,"color":null,"points":{"inc":-3},
              "tags":{"add":["a","d"],"remove":["b"]},"pet":{"age":4},
              "pets":{"$add":[{"id":3,"name":"Doug"}],"$update":[{"$identifier_key":"id","$identifier_value":2,"$new_object":{"name":"Fae"}}],"$remove":[{"$identifier_key":"id","$identifier_value":1}]}}]}
            """);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Null(body!["errors"]);
        var custom = (await Profile("a1"))["custom_attributes"]!.AsObject();
        Assert.False(custom.ContainsKey("color"));
        Assert.Equal(7, custom["points"]!.GetValue<long>());
        Assert.Equal(["c", "a", "d"], custom["tags"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal("Rex", custom["pet"]!["name"]!.GetValue<string>());
        Assert.Equal(4, custom["pet"]!["age"]!.GetValue<int>());
        Assert.Equal(["Fae", "Doug"], custom["pets"]!.AsArray().Select(x => x!["name"]!.GetValue<string>()));
        Assert.Equal("1980-01-01T00:00:00.000Z", custom["birthday"]!.GetValue<string>());

        // Without _merge_objects a nested object is replaced.
        await Post("/users/track", """{"attributes":[{"external_id":"a1","pet":{"age":5}}]}""");
        custom = (await Profile("a1"))["custom_attributes"]!.AsObject();
        Assert.False(custom["pet"]!.AsObject().ContainsKey("name"));

        // Array max length (3 here): the oldest value goes.
        await Post("/users/track", """{"attributes":[{"external_id":"a1","tags":{"add":["e"]}}]}""");
        custom = (await Profile("a1"))["custom_attributes"]!.AsObject();
        Assert.Equal(["a", "d", "e"], custom["tags"]!.AsArray().Select(x => x!.GetValue<string>()));
    }

    [Fact]
    public async Task Update_existing_only_aliases_and_email_lookup_follow_the_identifier_rules()
    {
        await Post("/users/track", """{"attributes":[{"external_id":"ghost","_update_existing_only":true,"x":1}]}""");
        Assert.Null(await _emulator.Store.GetProfileAsync("ghost"));

        // An alias-only profile needs an attributes object with "_update_existing_only": false.
        var (_, noFlag, _) = await Post("/users/track", """{"attributes":[{"user_alias":{"alias_name":"n1","alias_label":"crm"},"x":1}]}""");
        Assert.Equal(0, noFlag!["attributes_processed"]!.GetValue<int>());
        var (_, withFlag, _) = await Post("/users/track", """{"attributes":[{"user_alias":{"alias_name":"n1","alias_label":"crm"},"_update_existing_only":false,"x":1}]}""");
        Assert.Equal(1, withFlag!["attributes_processed"]!.GetValue<int>());
        var (_, ev, _) = await Post("/users/track", """{"events":[{"user_alias":{"alias_name":"n1","alias_label":"crm"},"name":"e","time":"2024-01-01T00:00:00Z"}]}""");
        Assert.Equal(1, ev!["events_processed"]!.GetValue<int>());

        // An unknown email creates an email-only profile; a known one is found again.
        var (_, e1, _) = await Post("/users/track", """{"events":[{"email":"new@example.com","name":"e","time":"2024-01-01T00:00:00Z"}]}""");
        var (_, e2, _) = await Post("/users/track", """{"events":[{"email":"new@example.com","name":"e","time":"2024-01-02T00:00:00Z"}]}""");
        Assert.Equal(1, e1!["events_processed"]!.GetValue<int>());
        Assert.Equal(1, e2!["events_processed"]!.GetValue<int>());
        var dup = await (await _http.GetAsync("/_emulator/duplicates")).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(0, dup!["extra_copies"]!.GetValue<int>());
    }

    [Fact]
    public async Task Schedules_can_be_created_updated_listed_and_deleted()
    {
        string Day(int days, string time) => SoonDates.Day(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + time;
        var (status, created, _) = await Post("/canvas/trigger/schedule/create", $$$"""
            {"canvas_id":"c1","recipients":[{"external_user_id":"u1","context":{"coupon":"X"}}],"schedule":{"time":"{{{Day(10, "T09:00:00")}}}","in_local_time":true}}
            """);
        Assert.Equal(HttpStatusCode.Created, status);
        var scheduleId = created!["schedule_id"]!.GetValue<string>();
        Assert.NotNull(created["dispatch_id"]);

        var (updated, _, _) = await Post("/canvas/trigger/schedule/update", $$$"""{"canvas_id":"c1","schedule_id":"{{{scheduleId}}}","schedule":{"time":"{{{Day(11, "T09:00:00Z")}}}"}}""");
        Assert.Equal(HttpStatusCode.OK, updated);
        var list = await (await _http.GetAsync($"/messages/scheduled_broadcasts?end_time={Day(80, "T00:00:00Z")}")).Content.ReadFromJsonAsync<JsonObject>();
        var item = Assert.Single(list!["scheduled_broadcasts"]!.AsArray());
        Assert.Equal(Day(11, "T09:00:00.000Z"), item!["next_send_time"]!.GetValue<string>());
        Assert.Equal("UTC", item["schedule_type"]!.GetValue<string>());

        var (deleted, _, _) = await Post("/canvas/trigger/schedule/delete", $$"""{"canvas_id":"c1","schedule_id":"{{scheduleId}}"}""");
        Assert.Equal(HttpStatusCode.OK, deleted);
        var (again, body, _) = await Post("/canvas/trigger/schedule/delete", $$"""{"canvas_id":"c1","schedule_id":"{{scheduleId}}"}""");
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Contains("schedule_id", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var (invalid, error, _) = await Post("/campaigns/trigger/schedule/create", $$$"""{"campaign_id":"k","broadcast":true,"recipients":[{"external_user_id":"u"}],"schedule":{"time":"{{{Day(10, "T00:00:00Z")}}}"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, invalid);
        Assert.Contains("broadcast", error!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_the_window_limit_answers_429_with_headers()
    {
        await using var limited = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { TrackRequestsPerWindow = 3, TrackWindow = TimeSpan.FromMinutes(1) });
        using var http = Client(limited);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = await http.PostAsync("/users/track", new StringContent("{}", Encoding.UTF8, "application/json"));
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("0", last!.Headers.GetValues("X-RateLimit-Remaining").Single());
    }

    [Theory]
    [InlineData("rate_limited", 429)]
    [InlineData("internal_error", 500)]
    [InlineData("bad_gateway", 502)]
    [InlineData("unavailable", 503)]
    public async Task Injected_error_answers(string fault, int status)
    {
        await Post("/_emulator/faults", $$"""{"{{fault}}":1.0}""");
        var (answer, _, response) = await Post("/users/track", """{"events":[{"external_id":"f","name":"e","time":"2024-01-01T00:00:00Z"}]}""");
        Assert.Equal(status, (int)answer);
        if (status == 429)
        {
            Assert.True(response.Headers.Contains("X-RateLimit-Reset"));
        }

        Assert.Null(await _emulator.Store.GetProfileAsync("f"));
    }

    [Fact]
    public async Task Dropped_connections_before_and_after_applying()
    {
        _emulator.Faults = new FaultSettings { DropBeforeApply = 1.0 };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Post("/users/track", """{"events":[{"external_id":"d1","name":"e","time":"2024-01-01T00:00:00Z"}]}"""));
        Assert.Null(await _emulator.Store.GetProfileAsync("d1"));

        _emulator.Faults = new FaultSettings { DropAfterApply = 1.0 };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Post("/users/track", """{"events":[{"external_id":"d2","name":"e","time":"2024-01-01T00:00:00Z"}]}"""));
        Assert.NotNull(await _emulator.Store.GetProfileAsync("d2"));
        Assert.Contains(_emulator.Requests, r => r.Fault == "DropAfterApply" && r.Status == 0);
    }

    [Fact]
    public async Task Latency_is_added()
    {
        _emulator.Faults = new FaultSettings { Latency = 1.0, LatencyMilliseconds = 300 };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Post("/users/track", "{}");
        Assert.True(watch.ElapsedMilliseconds >= 280, $"{watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Eight_concurrent_writers_lose_no_increment()
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), async (w, ct) =>
        {
            using var http = Client(_emulator);
            for (var i = 0; i < 25; i++)
            {
                var response = await http.PostAsync("/users/track", new StringContent("""{"attributes":[{"external_id":"hot","counter":{"inc":1}}]}""", Encoding.UTF8, "application/json"), ct);
                response.EnsureSuccessStatusCode();
            }
        });
        Assert.Equal(200, (await Profile("hot"))["custom_attributes"]!["counter"]!.GetValue<long>());
    }

    [Fact]
    public async Task Profiles_survive_a_restart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "braze-emulator-" + Guid.NewGuid().ToString("N"));
        var db = Path.Combine(dir, "e.db");
        try
        {
            await using (var first = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { DatabasePath = db }))
            {
                using var http = Client(first);
                (await http.PostAsync("/users/track", new StringContent("""{"attributes":[{"external_id":"p","x":1}]}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
            }

            await using var second = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { DatabasePath = db });
            Assert.Equal(1, (await second.Store.GetProfileAsync("p"))!["custom_attributes"]!["x"]!.GetValue<int>());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Export_returns_stored_profiles_and_names_unknown_ids()
    {
        await Post("/users/track", """{"attributes":[{"external_id":"ex","vip":true}],"purchases":[{"external_id":"ex","product_id":"p","currency":"EUR","price":1.5,"quantity":2,"time":"2024-01-01T00:00:00Z"}]}""");
        var (status, body, _) = await Post("/users/export/ids", """{"external_ids":["ex","nobody"]}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var user = Assert.Single(body!["users"]!.AsArray());
        Assert.True(user!["custom_attributes"]!["vip"]!.GetValue<bool>());
        Assert.Equal(2, user["purchases"]![0]!["count"]!.GetValue<int>());
        Assert.Equal("nobody", body["invalid_user_ids"]![0]!.GetValue<string>());
    }
    [Fact]
    public async Task Export_finds_profiles_by_alias_email_and_phone_and_limits_fields()
    {
        await Post("/users/track", """
            {"attributes":[
              {"user_alias":{"alias_name":"al","alias_label":"crm"},"_update_existing_only":false,"tier":"gold"},
              {"external_id":"e1","email":"shared@example.com","x":1},
              {"external_id":"e2","email":"shared@example.com","phone":"+4915112345678","x":2}]}
            """);

        var (_, byAlias, _) = await Post("/users/export/ids", """{"user_aliases":[{"alias_name":"al","alias_label":"crm"}]}""");
        Assert.Equal("gold", Assert.Single(byAlias!["users"]!.AsArray())!["custom_attributes"]!["tier"]!.GetValue<string>());

        var (_, byEmail, _) = await Post("/users/export/ids", """{"email_address":"shared@example.com"}""");
        Assert.Equal(["e1", "e2"], byEmail!["users"]!.AsArray().Select(u => u!["external_id"]!.GetValue<string>()).Order());

        var (_, byPhone, _) = await Post("/users/export/ids", """{"phone":"+4915112345678","external_ids":["e2"],"fields_to_export":["external_id"]}""");
        var only = Assert.Single(byPhone!["users"]!.AsArray())!.AsObject();
        Assert.Equal(["external_id"], only.Select(p => p.Key));

        var (none, problem, _) = await Post("/users/export/ids", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, none);
        Assert.Contains("1 to 50 identifiers", problem!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var (wrongType, typed, _) = await Post("/users/export/ids", """{"external_ids":"e1"}""");
        Assert.Equal(HttpStatusCode.BadRequest, wrongType);
        Assert.Contains("external_ids must be an array of strings", typed!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_carries_rate_limit_headers_and_unknown_paths_answer_json()
    {
        using var wrong = Client(_emulator, "wrong");
        var (status, _, response) = await Post("/users/track", "{}", wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(response.Headers.Contains("X-RateLimit-Remaining"));

        var (missing, body, _) = await Post("/users/nothing-here", "{}");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("Not Found", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Local_time_schedules_in_the_past_and_invalid_fault_settings_are_refused()
    {
        var (past, body, _) = await Post("/canvas/trigger/schedule/create", """
            {"canvas_id":"c1","broadcast":true,"schedule":{"time":"2020-01-01T09:00:00Z","in_local_time":true}}
            """);
        Assert.Equal(HttpStatusCode.BadRequest, past);
        Assert.Contains("already passed", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var (fault, problem, _) = await Post("/_emulator/faults", """{"rate_limited":1.5}""");
        Assert.Equal(HttpStatusCode.BadRequest, fault);
        Assert.Contains("between 0 and 1", problem!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => _emulator.Faults = new FaultSettings { RateLimited = 0.6, InternalError = 0.6 });
        await Assert.ThrowsAsync<ArgumentException>(() => BrazeEmulator.StartAsync(new BrazeEmulatorOptions { ApiKey = "has space" }));
    }

    [Fact]
    public async Task A_deeply_nested_event_is_a_minor_error_and_its_neighbour_is_applied()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"n\":", 100)) + "1" + new string('}', 100);
        var (status, body, _) = await Post("/users/track", $$$"""{"events":[{"external_id":"deep1","name":"e","time":"2024-01-01T00:00:00Z","properties":{{{deep}}}},{"external_id":"deep2","name":"e","time":"2024-01-01T00:00:00Z"}]}""");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(1, body!["events_processed"]!.GetValue<int>());
        var error = Assert.Single(body["errors"]!.AsArray())!;
        Assert.Equal("nesting_too_deep", error["code"]!.GetValue<string>());
        Assert.Equal(0, error["index"]!.GetValue<int>());
        Assert.NotNull(await _emulator.Store.GetProfileAsync("deep2"));
    }
}
