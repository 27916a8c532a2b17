using System.Net;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Braze.Transport;

namespace Braze.Tests.Transport;

public class PacerTests
{
    private static HttpResponseMessage Response(HttpStatusCode status, long? limit, long? remaining, DateTimeOffset? reset)
    {
        var r = new HttpResponseMessage(status);
        if (limit is { } l)
        {
            r.Headers.TryAddWithoutValidation("X-RateLimit-Limit", l.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (remaining is { } rem)
        {
            r.Headers.TryAddWithoutValidation("x-ratelimit-remaining", rem.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (reset is { } t)
        {
            r.Headers.TryAddWithoutValidation("X-RATELIMIT-RESET", t.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return r;
    }

    [Fact]
    public async Task No_requests_left_means_waiting_for_the_reset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var pacer = new BrazeRequestPacer(new BrazeOptions(), time);
        await pacer.WaitAsync(CancellationToken.None);
        pacer.Observe(Response(HttpStatusCode.Created, 3000, 0, time.GetUtcNow().AddSeconds(3)));

        var next = pacer.WaitAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1.1));
        await next.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Requests_in_flight_count_against_the_remaining_budget()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var pacer = new BrazeRequestPacer(new BrazeOptions { SlowDownBelowRemainingFraction = 0 }, time);
        for (var i = 0; i < 3; i++)
        {
            await pacer.WaitAsync(CancellationToken.None);
        }

        // Braze has 3 left, but 2 more of ours are still in flight: only 1 more may go before the reset.
        pacer.Observe(Response(HttpStatusCode.Created, 3000, 3, time.GetUtcNow().AddSeconds(3)));
        await pacer.WaitAsync(CancellationToken.None);
        var blocked = pacer.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(blocked.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(3.1));
        await blocked.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_429_pauses_every_request_until_the_reset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var pacer = new BrazeRequestPacer(new BrazeOptions(), time);
        await pacer.WaitAsync(CancellationToken.None);
        pacer.Observe(Response(HttpStatusCode.TooManyRequests, 3000, 0, time.GetUtcNow().AddSeconds(10)));
        Assert.True(pacer.PausedUntil >= time.GetUtcNow().AddSeconds(10));
        var next = pacer.WaitAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1.2));
        await next.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, false)]
    [InlineData(HttpStatusCode.Created, false)]
    public void Retry_classification(HttpStatusCode status, bool retry)
        => Assert.Equal(retry, BrazeRetryPolicy.ShouldRetry(Outcome.FromResult(new HttpResponseMessage(status))));

    [Fact]
    public void Network_failures_are_retried()
    {
        Assert.True(BrazeRetryPolicy.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("reset"))));
        Assert.True(BrazeRetryPolicy.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new Polly.Timeout.TimeoutRejectedException())));
        Assert.False(BrazeRetryPolicy.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new InvalidOperationException())));
    }

    [Fact]
    public void Rate_limited_delay_comes_from_the_headers_and_is_capped()
    {
        var now = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var outcome = Outcome.FromResult(Response(HttpStatusCode.TooManyRequests, 3000, 0, now.AddSeconds(4)));
        Assert.Equal(TimeSpan.FromSeconds(4), BrazeRetryPolicy.RateLimitDelay(outcome, now, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(2), BrazeRetryPolicy.RateLimitDelay(outcome, now, TimeSpan.FromSeconds(2)));
        Assert.Null(BrazeRetryPolicy.RateLimitDelay(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.TooManyRequests)), now, TimeSpan.FromSeconds(30)));
        Assert.Null(BrazeRetryPolicy.RateLimitDelay(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError)), now, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Backoff_grows_exponentially_with_jitter_and_a_cap()
    {
        var b = TimeSpan.FromSeconds(1);
        var max = TimeSpan.FromSeconds(30);
        Assert.Equal(TimeSpan.FromSeconds(1), BrazeRetryPolicy.Backoff(0, b, max, 1));
        Assert.Equal(TimeSpan.FromSeconds(0.5), BrazeRetryPolicy.Backoff(0, b, max, 0));
        Assert.Equal(TimeSpan.FromSeconds(8), BrazeRetryPolicy.Backoff(3, b, max, 1));
        Assert.Equal(max, BrazeRetryPolicy.Backoff(10, b, max, 1));
    }

    [Fact]
    public void Retry_after_headers_are_honoured()
    {
        var now = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var r = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        r.Headers.TryAddWithoutValidation("Retry-After", "7");
        Assert.Equal(TimeSpan.FromSeconds(7), RateLimitInfo.From(r, now)!.WaitTime(now));
        var x = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        x.Headers.TryAddWithoutValidation("x-ratelimit-retry-after", "3");
        Assert.Equal(TimeSpan.FromSeconds(3), RateLimitInfo.From(x, now)!.WaitTime(now));
    }
    [Fact]
    public async Task A_429_on_another_endpoint_does_not_pause_users_track()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new BrazeOptions();
        var track = new BrazeRequestPacer(options, time);
        var other = new BrazeRequestPacer(options, options.OtherRateLimitPerWindow, options.OtherRateLimitWindow, time);
        using var handler = new BrazeRateLimitHandler(track, timeProvider: time, otherEndpoints: other)
        {
            InnerHandler = new Answer(request => BrazeEndpoints.Of(request) == BrazeEndpoints.UsersTrack
                ? Response(HttpStatusCode.Created, 3000, 2999, time.GetUtcNow().AddSeconds(3))
                : Response(HttpStatusCode.TooManyRequests, 250, 0, time.GetUtcNow().AddSeconds(60))),
        };
        using var invoker = new HttpMessageInvoker(handler);

        using (await invoker.SendAsync(Request(BrazeEndpoints.CanvasScheduleCreate), CancellationToken.None))
        {
        }

        // Paused until the reset, as far as RetryMaxDelay (30 s) allows.
        Assert.True(other.PausedUntil > time.GetUtcNow().AddSeconds(29));
        Assert.True(track.PausedUntil <= time.GetUtcNow());
        var sent = invoker.SendAsync(Request(BrazeEndpoints.UsersTrack), CancellationToken.None);
        Assert.True(sent.IsCompleted, "/users/track waited for the schedule endpoint's reset");
        (await sent).Dispose();
    }

    [Theory]
    [InlineData("Retry-After", "3600")]
    [InlineData("X-RateLimit-Retry-After", "99999999999999999999")]
    [InlineData("X-RateLimit-Retry-After", "1e300")]
    public void A_429_pauses_at_most_RetryMaxDelay_whatever_the_server_says(string header, string value)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new BrazeOptions { RetryMaxDelay = TimeSpan.FromSeconds(30) };
        var pacer = new BrazeRequestPacer(options, time);
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation(header, value);

        pacer.Observe(response);

        Assert.InRange(pacer.PausedUntil - time.GetUtcNow(), TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(31));
        Assert.Equal(TimeSpan.FromSeconds(30), BrazeRetryPolicy.RateLimitDelay(Polly.Outcome.FromResult(response), time.GetUtcNow(), options.RetryMaxDelay));
    }

    /// <summary>A request that carries <paramref name="endpoint"/>, at a URL that names no endpoint: the handler must go by the descriptor.</summary>
    private static HttpRequestMessage Request(BrazeEndpoint endpoint)
    {
        var request = new HttpRequestMessage(endpoint.Method, "https://braze.test/any");
        request.Options.Set(BrazeEndpoints.OptionKey, endpoint);
        return request;
    }

    private sealed class Answer(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => Task.FromResult(answer(request));
    }

    private sealed class Fleet(int instances) : IBrazeRateLimitCoordinator
    {
        public Dictionary<string, DateTimeOffset> Pauses { get; } = [];

        public int Instances { get; set; } = instances;

        public DateTimeOffset? PausedUntil(string group) => Pauses.TryGetValue(group, out var until) ? until : null;

        public void Pause(string group, DateTimeOffset until) => Pauses[group] = until;
    }

    [Fact]
    public async Task In_a_fleet_a_process_keeps_to_its_share_of_each_clock_aligned_window()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var fleet = new Fleet(3);
        var pacer = new BrazeRequestPacer(new BrazeOptions { RateLimitPerWindow = 30, RateLimitWindow = TimeSpan.FromSeconds(3) }, time, fleet: fleet);
        for (var i = 0; i < 9; i++)
        {
            await pacer.WaitAsync(CancellationToken.None); // 30 / 3 = 10, less one for a request that lands in the next window
            pacer.Abandon();
        }

        var tenth = pacer.WaitAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(tenth.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1)); // the window aligned on the clock ends
        await tenth.WaitAsync(TimeSpan.FromSeconds(5));

        fleet.Instances = 1; // the others left: the whole limit again
        for (var i = 0; i < 29; i++)
        {
            await pacer.WaitAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            pacer.Abandon();
        }
    }

    [Fact]
    public async Task In_a_fleet_a_429_is_shared_and_another_processs_pause_is_honoured()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var fleet = new Fleet(2);
        var pacer = new BrazeRequestPacer(new BrazeOptions(), time, fleet: fleet);
        await pacer.WaitAsync(CancellationToken.None);
        pacer.Observe(Response(HttpStatusCode.TooManyRequests, 3000, 0, time.GetUtcNow().AddSeconds(2)));
        Assert.True(fleet.Pauses["/users/track"] > time.GetUtcNow().AddSeconds(1.9));

        var other = new BrazeRequestPacer(new BrazeOptions(), 100, TimeSpan.FromMinutes(1), time, group: "/users/alias/new", fleet: fleet);
        fleet.Pause("/users/alias/new", time.GetUtcNow().AddSeconds(5)); // another process got the 429
        var waiting = other.WaitAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.2));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task In_a_fleet_the_remaining_budget_Braze_reports_is_shared_too()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var pacer = new BrazeRequestPacer(new BrazeOptions { SlowDownBelowRemainingFraction = 0 }, time, fleet: new Fleet(3));
        await pacer.WaitAsync(CancellationToken.None);
        pacer.Observe(Response(HttpStatusCode.Created, 3000, 7, time.GetUtcNow().AddSeconds(3))); // 7 left for three: 2 for this one
        await pacer.WaitAsync(CancellationToken.None);
        await pacer.WaitAsync(CancellationToken.None);
        var third = pacer.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(3.1));
        await third.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
