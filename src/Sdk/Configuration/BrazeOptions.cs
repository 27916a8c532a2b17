using Braze.Shared;

namespace Braze;

/// <summary>
/// Configuration of a Braze workspace connection, bound from configuration (section <c>"Braze"</c> by convention)
/// and validated on start. <see cref="ToString"/> never shows the API key.
/// </summary>
public sealed class BrazeOptions
{
    /// <summary>The REST API key (<c>Authorization: Bearer ...</c>). Give it unquoted; it needs the permissions of the endpoints you call.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The workspace's REST endpoint, as shown under Settings &gt; APIs and Identifiers (for example
    /// <c>https://rest.iad-01.braze.com</c>, see <see cref="BrazeInstances"/>). Must be HTTPS unless the host is loopback.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The Braze rule limits (objects per request, sizes, ...). Defaults are Braze's current documented values.</summary>
    public BrazeValidationOptions Validation { get; set; } = new();

    /// <summary>At most this many requests in flight at once per client. Default 4.</summary>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>
    /// Client-side pacing of <c>/users/track</c>: at most this many requests per <see cref="RateLimitWindow"/>.
    /// Default 3,000 (Braze's /users/track limit). Other endpoints are paced separately
    /// (<see cref="OtherRateLimitPerWindow"/>), so scheduling never eats into the track budget or the other way round.
    /// </summary>
    public int RateLimitPerWindow { get; set; } = BrazeLimits.UsersTrackRequestsPerWindow;

    /// <summary>The pacing window of <c>/users/track</c>. Default 3 seconds.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(BrazeLimits.UsersTrackWindowSeconds);

    /// <summary>
    /// Client-side pacing of every other endpoint (Canvas and campaign scheduling, scheduled broadcasts, export): at
    /// most this many requests per <see cref="OtherRateLimitWindow"/>. Default 250,000 (Braze's default for most
    /// endpoints, per hour). Their own rate-limit headers and 429s pace them further, without touching /users/track.
    /// </summary>
    public int OtherRateLimitPerWindow { get; set; } = BrazeLimits.OtherRequestsPerHour;

    /// <summary>The pacing window of the other endpoints. Default 1 hour.</summary>
    public TimeSpan OtherRateLimitWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>When <c>X-RateLimit-Remaining</c> falls to this fraction of the limit or lower, requests are spread out until the reset. Default 0.05.</summary>
    public double SlowDownBelowRemainingFraction { get; set; } = 0.05;

    /// <summary>Retries after the first attempt for 429, 5xx, 408 and network failures. Default 5.</summary>
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>First backoff delay (exponential with jitter). Default 1 second.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest single backoff delay. Default 30 seconds.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one attempt. Default 30 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline for a request including all its retries. Default 3 minutes.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>The background tracker's settings (<c>Braze:Tracker</c>).</summary>
    public BrazeTrackerOptions Tracker { get; set; } = new();

    /// <summary>Send Canvas entry properties under the older name <c>canvas_entry_properties</c> instead of <c>context</c>.</summary>
    public bool UseLegacyCanvasEntryPropertiesName { get; set; }

    /// <summary>Log-safe description: the API key is never shown.</summary>
    public override string ToString()
        => $"BrazeOptions {{ BaseUrl = {BaseUrl}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(not set)" : "[redacted]")}, MaxConcurrentRequests = {MaxConcurrentRequests} }}";
}

/// <summary>The REST endpoints of Braze's documented instances. Prefer the URL your dashboard shows.</summary>
public static class BrazeInstances
{
#pragma warning disable CS1591 // The names are the instances.
    public static readonly Uri US01 = new("https://rest.iad-01.braze.com");
    public static readonly Uri US02 = new("https://rest.iad-02.braze.com");
    public static readonly Uri US03 = new("https://rest.iad-03.braze.com");
    public static readonly Uri US04 = new("https://rest.iad-04.braze.com");
    public static readonly Uri US05 = new("https://rest.iad-05.braze.com");
    public static readonly Uri US06 = new("https://rest.iad-06.braze.com");
    public static readonly Uri US07 = new("https://rest.iad-07.braze.com");
    public static readonly Uri US08 = new("https://rest.iad-08.braze.com");
    public static readonly Uri US10 = new("https://rest.us-10.braze.com");
    public static readonly Uri EU01 = new("https://rest.fra-01.braze.eu");
    public static readonly Uri EU02 = new("https://rest.fra-02.braze.eu");
    public static readonly Uri AU01 = new("https://rest.au-01.braze.com");
    public static readonly Uri ID01 = new("https://rest.id-01.braze.com");
    public static readonly Uri JP01 = new("https://rest.jp-01.braze.com");
    public static readonly Uri KR01 = new("https://rest.kr-01.braze.com");
#pragma warning restore CS1591

    /// <summary>Looks up an instance by its name (<c>US-01</c>, <c>eu-02</c>, <c>US01</c>...).</summary>
    public static bool TryGet(string name, out Uri url)
    {
        ArgumentNullException.ThrowIfNull(name);
        Uri? found = name.Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "US01" => US01, "US02" => US02, "US03" => US03, "US04" => US04, "US05" => US05, "US06" => US06,
            "US07" => US07, "US08" => US08, "US10" => US10, "EU01" => EU01, "EU02" => EU02, "AU01" => AU01,
            "ID01" => ID01, "JP01" => JP01, "KR01" => KR01,
            _ => null,
        };
        url = found!;
        return found is not null;
    }
}
