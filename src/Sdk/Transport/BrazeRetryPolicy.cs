using System.Net;
using Polly;
using Polly.Timeout;

namespace Braze.Transport;

/// <summary>
/// Which outcomes are retried and how long to wait (spec decisions): 429 waits for <c>X-RateLimit-Reset</c> (or
/// <c>Retry-After</c>), else exponential backoff with jitter; 5xx, 408, network failures and attempt timeouts back
/// off exponentially with jitter; every other 4xx is final. Delivery is at-least-once: a retry after an ambiguous
/// failure (timeout after the body was sent) can duplicate events, purchases, <c>inc</c> and array <c>add</c>.
/// </summary>
internal static class BrazeRetryPolicy
{
    /// <summary>True when the outcome is worth another attempt.</summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is { } ex)
        {
            return ex is HttpRequestException or TimeoutRejectedException or TimeoutException || (ex is IOException);
        }

        return outcome.Result is { } response && ShouldRetry(response.StatusCode);
    }

    /// <summary>
    /// <see cref="ShouldRetry(Outcome{HttpResponseMessage})"/> for a request to <paramref name="endpoint"/>, except that an
    /// endpoint not <see cref="BrazeEndpoint.RepeatableAfterAmbiguousFailure"/> (a schedule create, or a request
    /// without a descriptor) is retried only when Braze certainly did not process it: a 429, or a connection that was
    /// never established. Braze has no idempotency key, so retrying a create after a timeout or a 5xx could schedule
    /// the message twice; such failures reach the caller with <see cref="BrazeException.IsOutcomeUnknown"/> instead.
    /// </summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, BrazeEndpoint? endpoint)
    {
        if (!ShouldRetry(outcome))
        {
            return false;
        }

        if (endpoint is { RepeatableAfterAmbiguousFailure: true })
        {
            return true;
        }

        return outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests
            || (outcome.Exception is { } exception && TransportFailure.Of(exception).NothingSent);
    }

    /// <summary>True for 408, 429 and every 5xx.</summary>
    public static bool ShouldRetry(HttpStatusCode status)
        => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>
    /// The delay before a retry: what the rate-limit headers say for a
    /// 429 (capped at <paramref name="maxDelay"/>), otherwise null (the pipeline's exponential backoff with jitter).
    /// </summary>
    public static TimeSpan? RateLimitDelay(Outcome<HttpResponseMessage> outcome, DateTimeOffset now, TimeSpan maxDelay)
    {
        if (outcome.Result is not { StatusCode: HttpStatusCode.TooManyRequests } response)
        {
            return null;
        }

        var wait = RateLimitInfo.From(response, now)?.WaitTime(now);
        if (wait is null)
        {
            return null;
        }

        return wait > maxDelay ? maxDelay : wait;
    }

    /// <summary>Exponential backoff with full jitter between half and all of <c>baseDelay * 2^attempt</c>, capped at <paramref name="maxDelay"/>.</summary>
    public static TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double jitter01)
    {
        var ms = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 20));
        ms *= 0.5 + (Math.Clamp(jitter01, 0, 1) * 0.5);
        return TimeSpan.FromMilliseconds(Math.Min(ms, maxDelay.TotalMilliseconds));
    }
}
