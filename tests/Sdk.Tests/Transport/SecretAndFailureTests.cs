using System.Net;
using System.Security.Authentication;
using Braze.Configuration;
using Braze.Tests.Audit;
using Braze.Tests.Support;
using Braze.Transport;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Braze.Tests.Transport;

/// <summary>The key never travels with an exception or a log record, and every failure says what reached Braze.</summary>
public sealed class SecretAndFailureTests
{
    private static readonly string[] s_key = [ClientFixture.ApiKey];
    private static readonly Schedule s_at = Schedule.At(SoonDates.At(10, 9));

    [Fact]
    public async Task The_scanner_finds_the_key_behind_a_Refit_exception()
    {
        // What the SDK used to keep as InnerException: proves the scans below can fail.
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://rest.iad-01.braze.com/users/track");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ClientFixture.ApiKey);
        using var response = new HttpResponseMessage(HttpStatusCode.Unauthorized) { RequestMessage = request, Content = new StringContent("{}") };
        var refit = await ApiException.Create(request, HttpMethod.Post, response, new RefitSettings());

        Assert.NotEmpty(SecretAudit.Scan(new InvalidOperationException("wrapped", refit), s_key));
    }

    public static TheoryData<string> Failures => new() { "401", "500", "refused", "dropped", "redirect" };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task No_exception_of_a_failed_call_reaches_the_key(string failure)
    {
        using var f = new ClientFixture(o =>
        {
            o.MaxRetryAttempts = 1;
            o.Tracker.DeadLetterAfter = TimeSpan.FromMilliseconds(1); // the tracker gives up at the first failure, so its exception can be read
        });
        f.Fake.Responder = (_, _) => failure switch
        {
            "401" => FakeBraze.Json(HttpStatusCode.Unauthorized, """{"message":"Invalid API key"}"""),
            "500" => FakeBraze.Json(HttpStatusCode.InternalServerError, """{"message":"oops"}"""),
            "refused" => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"),
            "dropped" => throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely"),
            _ => Redirect(),
        };

        var track = await Assert.ThrowsAsync<BrazeTrackException>(() => f.Client.TrackAsync(new TrackEvent(UserId.Email("ann@example.com"), "e", DateTimeOffset.UtcNow)));
        var schedule = await Assert.ThrowsAsync<BrazeApiException>(() => f.Client.ScheduleCanvasAsync("c", [UserId.External("u")], s_at));
        var tracker = f.Provider.GetRequiredService<IBrazeTracker>();
        var delivery = await Assert.ThrowsAsync<BrazeDeliveryException>(() => tracker.Track(new TrackEvent(UserId.External("u"), "e", DateTimeOffset.UtcNow)).Completion);

        foreach (var exception in new Exception[] { track, schedule, delivery })
        {
            Assert.Empty(SecretAudit.Scan(exception, s_key));
        }
    }

    [Fact]
    public async Task A_redirect_is_an_error_that_names_it_and_says_nothing_was_applied()
    {
        using var f = new ClientFixture();
        f.Fake.Responder = (_, _) => Redirect();

        var ex = await Assert.ThrowsAsync<BrazeApiException>(() => f.Client.ScheduleCanvasAsync("c", [UserId.External("u")], s_at));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, ex.StatusCode);
        Assert.Contains("https://elsewhere.example/collect", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was applied", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsOutcomeUnknown);
        Assert.Single(f.Fake.Requests);
    }

    [Fact]
    public async Task A_failure_before_anything_was_sent_says_so_and_is_retried_even_for_a_schedule_create()
    {
        using var f = new ClientFixture(o => o.MaxRetryAttempts = 2);
        f.Fake.Responder = (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");

        var ex = await Assert.ThrowsAsync<BrazeApiException>(() => f.Client.ScheduleCanvasAsync("c", [UserId.External("u")], s_at));

        Assert.False(ex.IsOutcomeUnknown);
        Assert.Null(ex.StatusCode);
        Assert.Contains("No request reached Braze", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, f.Fake.Requests.Count); // the first attempt and both retries: safe, nothing was sent
    }

    [Fact]
    public async Task A_failure_after_the_request_was_sent_is_an_unknown_outcome_and_a_create_is_not_repeated()
    {
        using var f = new ClientFixture(o => o.MaxRetryAttempts = 2);
        f.Fake.Responder = (_, _) => throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely");

        var ex = await Assert.ThrowsAsync<BrazeApiException>(() => f.Client.ScheduleCanvasAsync("c", [UserId.External("u")], s_at));

        Assert.True(ex.IsOutcomeUnknown);
        Assert.Contains("may or may not have applied", ex.Message, StringComparison.Ordinal);
        Assert.Single(f.Fake.Requests);
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError, true)]
    [InlineData(HttpRequestError.NameResolutionError, true)]
    [InlineData(HttpRequestError.SecureConnectionError, true)]
    [InlineData(HttpRequestError.ResponseEnded, false)]
    [InlineData(HttpRequestError.Unknown, false)]
    public void Transport_failures_are_classified_by_what_was_sent(HttpRequestError error, bool nothingSent)
        => Assert.Equal(nothingSent, TransportFailure.Of(new HttpRequestException(error, "x")).NothingSent);

    [Fact]
    public void A_certificate_failure_and_the_SDK_refusing_to_send_mean_nothing_was_sent()
    {
        Assert.True(TransportFailure.Of(new HttpRequestException("ssl", new AuthenticationException("remote certificate is invalid"))).NothingSent);
        Assert.True(TransportFailure.Of(new BrazeException("No Braze API key is configured")).NothingSent);
        Assert.False(TransportFailure.Of(new Polly.Timeout.TimeoutRejectedException()).NothingSent);
    }

    [Theory]
    [InlineData("clé-1234")]
    [InlineData("key with space")]
    [InlineData("key\u200b")]
    public void A_key_that_cannot_go_in_a_header_is_refused_on_start(string key)
    {
        var result = new BrazeOptionsValidator().Validate(null, new BrazeOptions { ApiKey = key, BaseUrl = BrazeInstances.US01 });
        Assert.True(result.Failed);
        Assert.Contains("cannot be sent in an HTTP header", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_trace_level_the_pipeline_writes_one_SDK_line_per_attempt_and_no_header_or_contact_value()
    {
        using var f = new ClientFixture(o => o.MaxRetryAttempts = 1);
        f.Fake.Responder = (_, n) => n == 1
            ? FakeBraze.Json(HttpStatusCode.ServiceUnavailable, """{"message":"busy"}""")
            : FakeBraze.Json(HttpStatusCode.Created, """{"message":"success"}""");

        await f.Client.TrackAsync(new TrackRequest()
            .Add(new AttributesUpdate(UserId.Email("ann@example.com")).SetPhone("+14155552671"))
            .Add(new TrackEvent(UserId.Phone("+14155552671"), "x", DateTimeOffset.UtcNow)));

        var records = f.Logs.GetSnapshot();
        Assert.DoesNotContain(records, r => r.Category?.StartsWith("System.Net.Http", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(records, r => r.Category?.StartsWith("Polly", StringComparison.Ordinal) == true);
        var attempts = records.Where(r => r.Id.Id == 1 && r.Category == "Braze.Http").ToList();
        Assert.Equal([1, 2], attempts.Select(r => int.Parse(r.StructuredState!.Single(s => s.Key == "Attempt").Value!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(["2", "2"], attempts.Select(r => r.StructuredState!.Single(s => s.Key == "Objects").Value));
        foreach (var record in records)
        {
            var texts = new[] { record.Message }.Concat(record.StructuredState?.Select(s => s.Value) ?? []).Concat(record.Scopes.Select(s => s?.ToString()));
            Assert.All(texts, t =>
            {
                Assert.DoesNotContain(ClientFixture.ApiKey, t ?? string.Empty, StringComparison.Ordinal);
                Assert.DoesNotContain("ann@example.com", t ?? string.Empty, StringComparison.Ordinal);
                Assert.DoesNotContain("4155552671", t ?? string.Empty, StringComparison.Ordinal);
            });
        }
    }

    private static HttpResponseMessage Redirect()
    {
        var response = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect);
        response.Headers.Location = new Uri("https://elsewhere.example/collect");
        return response;
    }
}
