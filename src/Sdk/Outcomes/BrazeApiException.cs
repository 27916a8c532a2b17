using System.Net;
using System.Text.Json;

namespace Braze;

/// <summary>
/// Braze answered with an error (or did not answer, after the retries). Carries the status, Braze's message and
/// errors, the raw body and the rate-limit headers. Never contains the API key.
/// </summary>
public class BrazeApiException : BrazeException
{
    private readonly bool _outcomeUnknown;

    /// <summary>Creates the exception.</summary>
    /// <param name="endpoint">The endpoint path, for example <c>/users/track</c>.</param>
    /// <param name="statusCode">The HTTP status, or null when no response arrived.</param>
    /// <param name="brazeMessage">Braze's <c>message</c> field.</param>
    /// <param name="errors">Braze's <c>errors</c> array.</param>
    /// <param name="rawBody">The response body.</param>
    /// <param name="rateLimit">The rate-limit headers of the response.</param>
    /// <param name="innerException">The cause.</param>
    /// <param name="outcomeUnknown">Whether Braze may have applied the request; by default, exactly when no response arrived.</param>
    public BrazeApiException(string endpoint, HttpStatusCode? statusCode, string? brazeMessage, IReadOnlyList<JsonElement>? errors, string? rawBody, RateLimitInfo? rateLimit, Exception? innerException = null, bool? outcomeUnknown = null)
        : this(Describe(endpoint, statusCode, brazeMessage), endpoint, statusCode, brazeMessage, errors, rawBody, rateLimit, innerException, outcomeUnknown ?? statusCode is null)
    {
    }

    /// <summary>Creates the exception with its message already written (subtypes that describe more than one answer).</summary>
    private protected BrazeApiException(string message, string endpoint, HttpStatusCode? statusCode, string? brazeMessage, IReadOnlyList<JsonElement>? errors, string? rawBody, RateLimitInfo? rateLimit, Exception? innerException, bool outcomeUnknown)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        StatusCode = statusCode;
        BrazeMessage = brazeMessage;
        Errors = errors ?? [];
        RawBody = rawBody;
        RateLimit = rateLimit;
        _outcomeUnknown = outcomeUnknown;
    }

    /// <summary>The endpoint path, for example <c>/users/track</c>.</summary>
    public string Endpoint { get; }

    /// <summary>The HTTP status, or null when no response arrived (network failure, timeout).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Braze's <c>message</c> field.</summary>
    public string? BrazeMessage { get; }

    /// <summary>Braze's <c>errors</c> array, as sent.</summary>
    public IReadOnlyList<JsonElement> Errors { get; }

    /// <summary>The response body, as sent (may be null).</summary>
    public string? RawBody { get; }

    /// <summary>The rate-limit headers of the response, when present.</summary>
    public RateLimitInfo? RateLimit { get; }

    /// <inheritdoc />
    public override bool IsOutcomeUnknown => _outcomeUnknown;

    private static string Describe(string endpoint, HttpStatusCode? status, string? message)
    {
        var code = status is { } s ? $"{(int)s} {s}" : "no response";
        return string.IsNullOrEmpty(message)
            ? $"Braze {endpoint} failed: {code}."
            : $"Braze {endpoint} failed: {code}: {message}";
    }
}

/// <summary>
/// Some objects of a track call were not accepted; <see cref="Result"/> tells which were and which were not. The
/// status, message and rate-limit headers are those of the first failed request (Braze's success status when only
/// minor errors came back), and <see cref="BrazeException.IsOutcomeUnknown"/> is true exactly when a failed request
/// may have been applied.
/// </summary>
public sealed class BrazeTrackException : BrazeApiException
{
    /// <summary>Creates the exception from a result.</summary>
    public BrazeTrackException(TrackResult result)
        : this(result ?? throw new ArgumentNullException(nameof(result)), result.Failures.Count > 0 ? result.Failures[0].Exception : null)
    {
    }

    private BrazeTrackException(TrackResult result, BrazeApiException? first)
        : base(Describe(result), first?.Endpoint ?? "/users/track", first?.StatusCode ?? HttpStatusCode.Created, first?.BrazeMessage, first?.Errors, first?.RawBody, first?.RateLimit, first,
               result.Failures.Any(f => f.Exception.IsOutcomeUnknown))
    {
        Result = result;
    }

    /// <summary>The result, with the accepted and failed objects.</summary>
    public TrackResult Result { get; }

    private static string Describe(TrackResult result)
    {
        var failedObjects = result.Failures.Sum(f => f.Range.Count);
        var first = result.Failures.FirstOrDefault()?.Exception.Message ?? result.Errors.FirstOrDefault()?.ToString();
        return $"Braze did not accept every object: {result.Failures.Count} of {result.RequestCount} request(s) failed ({failedObjects} objects), {result.Errors.Count} minor error(s). First: {first}";
    }
}
