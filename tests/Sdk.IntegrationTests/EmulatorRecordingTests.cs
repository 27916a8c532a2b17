using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Braze.Emulator;

namespace Braze.IntegrationTests;

/// <summary>
/// What the emulator keeps and reads of a request: bodies of unauthenticated requests are never read or kept, the
/// request log is bounded by count and bytes, and a body over the read limit is answered 413 without being read.
/// </summary>
public sealed class EmulatorRecordingTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>
    /// A client that sends "Expect: 100-continue" and waits for the server's go-ahead as long as it takes: a server
    /// that answers without reading the body is then seen answering, instead of the client writing the body into a
    /// connection the server is closing (a broken pipe).
    /// </summary>
    private static HttpClient Patient(BrazeEmulator emulator, string key)
    {
        var http = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) }) { BaseAddress = emulator.BaseUrl };
        http.DefaultRequestHeaders.ExpectContinue = true;
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + key);
        return http;
    }

    private static string Event(int i, int padding = 0)
        => $$$"""{"events":[{"external_id":"r","name":"e","time":"2024-01-01T00:00:00Z","properties":{"i":{{{i}}},"pad":"{{{new string('x', padding)}}}"}}]}""";

    [Fact]
    public async Task The_body_of_an_unauthenticated_request_is_never_read_or_recorded()
    {
        await using var emulator = await BrazeEmulator.StartAsync();
        using var wrong = EmulatorHttpTests.Client(emulator, "wrong");
        using var missing = new HttpClient { BaseAddress = emulator.BaseUrl };

        var small = await wrong.PostAsync("/users/track?x=1", Json("""{"events":[],"secret":"do-not-keep"}"""));
        var none = await missing.PostAsync("/users/track", Json("""{"secret":"do-not-keep"}"""));
        // Far over the read limit: still 401, not 413, because authentication comes before the body (which the
        // server never asks for).
        using var patient = Patient(emulator, "wrong");
        var huge = await patient.PostAsync("/users/track", new ByteArrayContent(new byte[20_000_000]));

        Assert.Equal(HttpStatusCode.Unauthorized, small.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, huge.StatusCode);
        Assert.Equal(3, emulator.Requests.Count);
        Assert.All(emulator.Requests, r =>
        {
            Assert.Equal(401, r.Status);
            Assert.Null(r.Body);
        });
        Assert.Equal("/users/track?x=1", emulator.Requests.First().Path);
        Assert.Equal("/users/track?x=1".Length + (2 * "/users/track".Length), emulator.RecordedBytes);

        // The admin log shows them the same way.
        using var http = EmulatorHttpTests.Client(emulator);
        var log = await http.GetStringAsync("/_emulator/requests");
        Assert.DoesNotContain("do-not-keep", log, StringComparison.Ordinal);
        Assert.Equal(3, JsonNode.Parse(log)!["requests"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_request_log_keeps_within_its_byte_bound_forgetting_the_oldest_first()
    {
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { MaxRecordedBytes = 10_000 });
        using var http = EmulatorHttpTests.Client(emulator);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/users/track", Json(Event(i, padding: 1_000)))).StatusCode);
        }

        Assert.Equal(20, emulator.RequestCount);
        var kept = emulator.Requests.ToList();
        var size = "/users/track".Length + Encoding.UTF8.GetByteCount(kept[^1].Body!);
        Assert.InRange(size, 1_000, 1_200);
        Assert.Equal(emulator.RecordedBytes, kept.Sum(r => r.Path.Length + Encoding.UTF8.GetByteCount(r.Body!)));
        Assert.InRange(emulator.RecordedBytes, 10_000 - size, 10_000);   // full: one more would not fit
        Assert.Equal(10_000 / size, kept.Count);
        Assert.Equal(Enumerable.Range(20 - kept.Count, kept.Count), kept.Select(r => (int)JsonNode.Parse(r.Body!)!["events"]![0]!["properties"]!["i"]!));

        // A body larger than the whole budget is kept without it; the entry still pushes out the oldest as needed.
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/users/track", Json(Event(99, padding: 20_000)))).StatusCode);
        var last = emulator.Requests.Last();
        Assert.Equal(201, last.Status);
        Assert.Null(last.Body);
        Assert.True(emulator.RecordedBytes <= 10_000);
    }

    [Fact]
    public async Task The_request_log_keeps_at_most_its_count_and_no_bodies_when_recording_is_off()
    {
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { MaxRecordedRequests = 2, RecordRequests = false });
        using var http = EmulatorHttpTests.Client(emulator);

        for (var i = 0; i < 5; i++)
        {
            await http.PostAsync("/users/track", Json(Event(i)));
        }

        Assert.Equal(5, emulator.RequestCount);
        Assert.Equal(2, emulator.Requests.Count);
        Assert.All(emulator.Requests, r => Assert.Null(r.Body));
        Assert.Equal(2 * "/users/track".Length, emulator.RecordedBytes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_read_limit_is_answered_413_without_being_read(bool withContentLength)
    {
        await using var emulator = await BrazeEmulator.StartAsync(new BrazeEmulatorOptions { Validation = new BrazeValidationOptions { MaxRequestBodyBytes = 1_000 } });
        // With a Content-Length the answer comes before the body is read (the patient client waits for it); without
        // one the body is read up to the limit.
        using var http = withContentLength ? Patient(emulator, emulator.ApiKey) : EmulatorHttpTests.Client(emulator);
        var body = new byte[1_000 + (1024 * 1024) + 1];
        HttpContent content = withContentLength ? new ByteArrayContent(body) : new StreamContent(new UnknownLengthStream(body));
        content.Headers.ContentType = new("application/json");

        var response = await http.PostAsync("/users/track", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var message = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.GetValue<string>();
        Assert.StartsWith("Request Entity Too Large", message, StringComparison.Ordinal);
        var recorded = Assert.Single(emulator.Requests);
        Assert.Equal(413, recorded.Status);
        Assert.Null(recorded.Body);

        // Just over the validation limit but within the read limit: the validator's 413, as before. Then business as usual.
        var (status, json) = await Send(http, new string('a', 1_001));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("errors", json, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await Send(http, Event(1))).Status);
    }

    private static async Task<(HttpStatusCode Status, string Body)> Send(HttpClient http, string json)
    {
        var response = await http.PostAsync("/users/track", Json(json));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A stream that cannot tell its length, so the body is sent chunked (no Content-Length).</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
