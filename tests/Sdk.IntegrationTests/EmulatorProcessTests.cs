using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Braze.Tests.Audit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Braze.IntegrationTests;

/// <summary>
/// The standalone emulator started from the command line (<see cref="EmulatorProcess"/>): the SDK against it
/// configured from its banner, validation limits, rate limits, faults and recording given as options, signals, and
/// the command line's help and usage errors.
/// </summary>
public sealed class EmulatorProcessTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> Post(HttpClient http, string path, string json)
    {
        var response = await http.PostAsync(path, Json(json));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response);
    }

    private static string Events(int count, string user = "u") => string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{"external_id":"{{user}}","name":"e{{i}}","time":"2024-01-01T00:00:00Z"}"""));

    [Fact]
    public async Task The_sdk_configured_from_the_banner_tracks_and_exports()
    {
        await using var emulator = await EmulatorProcess.StartAsync();

        // The banner names what AddBraze(configuration.GetSection("Braze")) reads, as environment variables: read
        // them the way the environment variables provider does ("__" is ":").
        var settings = emulator.Banner.Select(l => l.Trim()).Where(l => l.StartsWith("Braze__", StringComparison.Ordinal))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0].Replace("__", ":", StringComparison.Ordinal), p => (string?)p[1]);
        Assert.Equal(["Braze:ApiKey", "Braze:BaseUrl"], settings.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(emulator.Banner, l => l.Contains("BRAZE_", StringComparison.Ordinal));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new AuditLoggerProvider()));
        services.AddBraze(configuration.GetSection("Braze"));
        await using var provider = services.BuildServiceProvider();
        var braze = provider.GetRequiredService<IBrazeClient>();

        var at = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var request = new TrackRequest();
        for (var i = 0; i < 80; i++)
        {
            request.Add(new TrackEvent(UserId.External("p1"), "rented_movie", at.AddSeconds(i)));
        }

        request.Add(new AttributesUpdate(UserId.External("p1")).SetFirstName("Ann").Increment("rentals", 2));
        var result = await braze.TrackAsync(request);

        Assert.True(result.IsSuccess);
        Assert.Equal(2, result.RequestCount);
        Assert.Equal(80, result.EventsProcessed);
        var user = Assert.Single((await braze.ExportUsersAsync(["p1"])).Users);
        Assert.Equal("Ann", user.GetProperty("first_name").GetString());
        Assert.Equal(80, user.GetProperty("custom_events")[0].GetProperty("count").GetInt32());
        Assert.Equal(2, user.GetProperty("custom_attributes").GetProperty("rentals").GetInt32());
    }

    [Fact]
    public async Task Validation_limits_rate_limits_and_recording_bounds_are_options()
    {
        await using var emulator = await EmulatorProcess.StartAsync(
            "--api-key", "cli-key-1", "--max-objects-per-request", "2", "--object-limit-scope", "per-array", "--max-string-length", "10",
            "--track-limit", "4", "--track-window", "1h", "--other-limit", "1", "--other-window", "1h",
            "--record-requests", "false", "--max-recorded-requests", "3");
        using var http = emulator.Client();

        // Per array: two events and two purchases pass, three events do not.
        var (accepted, body, response) = await Post(http, "/users/track", $$"""
            {"events":[{{Events(2)}}],
             "purchases":[{"external_id":"u","product_id":"p","currency":"USD","price":1,"time":"2024-01-01T00:00:00Z"},
                          {"external_id":"u","product_id":"a-long-product-id","currency":"USD","price":1,"time":"2024-01-01T00:00:00Z"}]}
            """);
        Assert.Equal(HttpStatusCode.Created, accepted);
        Assert.Equal(2, body!["events_processed"]!.GetValue<int>());
        Assert.Equal(1, body["purchases_processed"]!.GetValue<int>());
        Assert.Equal("purchases[1].product_id", Assert.Single(body["errors"]!.AsArray())!["path"]!.GetValue<string>());
        Assert.Equal("4", response.Headers.GetValues("X-RateLimit-Limit").Single());
        var (tooMany, t, _) = await Post(http, "/users/track", $$"""{"events":[{{Events(3)}}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany);
        Assert.Equal("Max Input Length Exceeded", t!["message"]!.GetValue<string>());

        // A wrong key is 401 (the default key is not accepted either) and does not use up the window.
        using (var wrong = emulator.Client("emulator-key"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Post(wrong, "/users/track", "{}")).Status);
        }

        // --track-limit 4 per hour: two used above, two more, then 429.
        Assert.Equal(HttpStatusCode.Created, (await Post(http, "/users/track", $$"""{"events":[{{Events(1)}}]}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await Post(http, "/users/track", $$"""{"events":[{{Events(1)}}]}""")).Status);
        var (limited, l, _) = await Post(http, "/users/track", $$"""{"events":[{{Events(1)}}]}""");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited);
        Assert.Equal("Rate Limited", l!["message"]!.GetValue<string>());

        // --other-limit 1 per hour.
        var end = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/messages/scheduled_broadcasts?end_time={end}")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.GetAsync($"/messages/scheduled_broadcasts?end_time={end}")).StatusCode);

        // --record-requests false --max-recorded-requests 3: the last three, without bodies (a request is kept once
        // answered, so this read counts but is not in its own answer).
        var log = JsonNode.Parse(await http.GetStringAsync("/_emulator/requests"))!;
        Assert.Equal(9, log["count"]!.GetValue<int>());
        var kept = log["requests"]!.AsArray();
        Assert.Equal(["/users/track", "/messages/scheduled_broadcasts", "/messages/scheduled_broadcasts"], kept.Select(r => r!["path"]!.GetValue<string>().Split('?')[0]));
        Assert.Equal([429, 200, 429], kept.Select(r => r!["status"]!.GetValue<int>()));
        Assert.All(kept, r => Assert.Null(r!["body"]));
    }

    [Fact]
    public async Task Faults_are_options()
    {
        await using var emulator = await EmulatorProcess.StartAsync("--fault-unavailable", "1", "--fault-seed", "3", "--fault-path-prefix", "/users/export");
        Assert.Contains(emulator.Banner, l => l.StartsWith("Faults on /users/export", StringComparison.Ordinal));
        using var http = emulator.Client();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Post(http, "/users/export/ids", """{"external_ids":["x"]}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await Post(http, "/users/track", $$"""{"events":[{{Events(1)}}]}""")).Status);
        var faults = JsonNode.Parse(await http.GetStringAsync("/_emulator/faults"))!["faults"]!;
        Assert.Equal(1.0, faults["unavailable"]!.GetValue<double>());
        Assert.Equal(3, faults["seed"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(PosixSignal.SIGTERM)]
    [InlineData(PosixSignal.SIGINT)]
    public async Task A_signal_stops_it_gracefully_within_seconds_with_exit_code_0(PosixSignal signal)
    {
        // Every /users/track answer waits 700 ms: a request in flight when the signal arrives is still answered.
        await using var emulator = await EmulatorProcess.StartAsync("--fault-latency", "1", "--fault-latency-ms", "700");
        if (emulator.InheritedIgnore(signal))
        {
            // Started from a shell's background job, the test host (and so the emulator) ignores SIGINT: nothing
            // can receive it there. The SIGTERM case still runs; the emulator is stopped with SIGTERM on dispose.
            return;
        }

        using var http = emulator.Client();
        using var admin = emulator.Client();
        var inFlight = Post(http, "/users/track", $$"""{"events":[{{Events(1)}}]}""");
        // Until the emulator has received it: "count" counts every request, these reads included.
        for (var reads = 1; JsonNode.Parse(await admin.GetStringAsync("/_emulator/requests"))!["count"]!.GetValue<int>() <= reads; reads++)
        {
            await Task.Delay(20);
        }

        var clock = Stopwatch.StartNew();
        var code = await emulator.StopAsync(signal, within: TimeSpan.FromSeconds(10));

        Assert.Equal(0, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed}");
        Assert.Equal(HttpStatusCode.Created, (await inFlight).Status);
        Assert.Equal([$"{signal}: stopping.", "Stopped."], emulator.Output);
    }

    [Fact]
    public async Task Help_lists_every_option_of_the_docs_table_and_exits_0()
    {
        var (code, output, _) = await EmulatorProcess.RunAsync("--help");

        Assert.Equal(0, code);
        var inHelp = Regex.Matches(output, @"^\s+(--[a-z0-9-]+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Except(["--help", "--version"]).ToList();
        Assert.Contains("--object-limit-scope", inHelp);
        Assert.Contains("--max-recorded-bytes", inHelp);
        var docs = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Docs", "emulator.md"));
        var inDocs = Regex.Matches(docs, @"^\| `(--[a-z0-9-]+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(inHelp.Order(StringComparer.Ordinal), inDocs.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Cannot parse argument 'abc' for option '--port'", "--port", "abc")]
    [InlineData("Unrecognized command or argument '--no-such-option'", "--no-such-option")]
    [InlineData("--port: Port must be 0 (any free port) to 65535; it is 70000.", "--port", "70000")]
    [InlineData("--object-limit-scope': use total or per-array", "--object-limit-scope", "sideways")]
    [InlineData("--max-nested-attribute-bytes: Braze accepts at most 100 KB", "--max-nested-attribute-bytes", "200000")]
    [InlineData("--db and --in-memory exclude each other", "--db", "x.db", "--in-memory")]
    public async Task Usage_errors_exit_2_with_a_message(string message, params string[] args)
    {
        var (code, output, error) = await EmulatorProcess.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("--help", error, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", output, StringComparison.Ordinal);
    }
}
