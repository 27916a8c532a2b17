using System.Globalization;
using System.Net.Http.Headers;

namespace Braze;

/// <summary>
/// Braze's rate-limit headers of one response: <c>X-RateLimit-Limit</c>, <c>-Remaining</c>, <c>-Reset</c>
/// (UTC epoch seconds), and <c>Retry-After</c> / <c>X-RateLimit-Retry-After</c> when a server sends them.
/// Header names are matched case-insensitively (Braze sends them lower-case over HTTP/2).
/// </summary>
public sealed class RateLimitInfo
{
    /// <summary>Creates the value.</summary>
    /// <param name="limit">Requests allowed in the window.</param>
    /// <param name="remaining">Requests left in the window.</param>
    /// <param name="reset">When the window resets.</param>
    /// <param name="retryAfter">How long to wait, when the server said so.</param>
    public RateLimitInfo(long? limit, long? remaining, DateTimeOffset? reset, TimeSpan? retryAfter)
    {
        Limit = limit;
        Remaining = remaining;
        Reset = reset;
        RetryAfter = retryAfter;
    }

    /// <summary>Requests allowed in the window.</summary>
    public long? Limit { get; }

    /// <summary>Requests left in the window.</summary>
    public long? Remaining { get; }

    /// <summary>When the window resets.</summary>
    public DateTimeOffset? Reset { get; }

    /// <summary>How long to wait, when the server said so.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>True when at least one header was present.</summary>
    internal bool HasValues => Limit is not null || Remaining is not null || Reset is not null || RetryAfter is not null;

    /// <summary>Reads the headers of a response (null when there is none).</summary>
    internal static RateLimitInfo? From(HttpResponseMessage? response, DateTimeOffset now)
        => response is null ? null : From(response.Headers, now);

    /// <summary>Reads the headers (null when none of them is present).</summary>
    internal static RateLimitInfo? From(HttpResponseHeaders? headers, DateTimeOffset now)
    {
        if (headers is null)
        {
            return null;
        }

        var limit = ReadLong(headers, "X-RateLimit-Limit");
        var remaining = ReadLong(headers, "X-RateLimit-Remaining");
        var resetSeconds = ReadLong(headers, "X-RateLimit-Reset");
        DateTimeOffset? reset = resetSeconds is { } s && s > 0 && s < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

        TimeSpan? retryAfter = null;
        if (ReadLong(headers, "X-RateLimit-Retry-After") is { } xra && xra >= 0)
        {
            // An absurd value is clamped, never thrown: the waits that use it are capped by RetryMaxDelay anyway.
            retryAfter = TimeSpan.FromSeconds(Math.Min(xra, MaxHeaderSeconds));
        }
        else if (headers.RetryAfter is { } ra)
        {
            retryAfter = ra.Delta ?? (ra.Date is { } date ? date - now : null);
            if (retryAfter < TimeSpan.Zero)
            {
                retryAfter = TimeSpan.Zero;
            }
        }

        var info = new RateLimitInfo(limit, remaining, reset, retryAfter);
        return info.HasValues ? info : null;
    }

    /// <summary>The longest wait a header is read as (a year); longer values are clamped to it.</summary>
    private const long MaxHeaderSeconds = 365L * 24 * 60 * 60;

    /// <summary>How long to wait before the next request may succeed, per these headers, or null when they do not say.</summary>
    internal TimeSpan? WaitTime(DateTimeOffset now)
    {
        if (RetryAfter is { } ra)
        {
            return ra;
        }

        if (Reset is { } reset)
        {
            var wait = reset - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static long? ReadLong(HttpResponseHeaders headers, string name)
    {
        // HttpHeaders lookups are case-insensitive.
        if (!headers.TryGetValues(name, out var values))
        {
            return null;
        }

        foreach (var v in values)
        {
            if (long.TryParse(v.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            if (double.TryParse(v.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            {
                return (long)Math.Clamp(Math.Ceiling(d), long.MinValue / 2, long.MaxValue / 2);
            }
        }

        return null;
    }
}
