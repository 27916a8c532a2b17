using System.Net;
using System.Text.Json;

namespace Braze.Http;

/// <summary>
/// Braze answered with an error (or did not answer, after the retries). Carries the status, Braze's message and
/// errors, the raw body and the rate-limit headers. Never contains the API key.
/// </summary>
public class BrazeApiException : BrazeException
{
    /// <summary>Creates the exception.</summary>
    public BrazeApiException(string endpoint, HttpStatusCode? statusCode, string? brazeMessage, IReadOnlyList<JsonElement>? errors, string? rawBody, RateLimitInfo? rateLimit, Exception? innerException = null)
        : base(Describe(endpoint, statusCode, brazeMessage), innerException!)
    {
        Endpoint = endpoint;
        StatusCode = statusCode;
        BrazeMessage = brazeMessage;
        Errors = errors ?? [];
        RawBody = rawBody;
        RateLimit = rateLimit;
    }

    /// <summary>Creates the exception with a message.</summary>
    public BrazeApiException(string message)
        : base(message)
    {
        Endpoint = string.Empty;
        Errors = [];
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public BrazeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Endpoint = string.Empty;
        Errors = [];
    }

    /// <summary>Creates the exception.</summary>
    public BrazeApiException()
        : this("Braze answered with an error.")
    {
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

    /// <summary>
    /// True when the request may have been applied although it failed (a timeout or dropped connection after the
    /// body was sent): retrying it can duplicate events, purchases, <c>inc</c> and array <c>add</c>.
    /// </summary>
    public bool IsOutcomeUnknown => StatusCode is null;

    private static string Describe(string endpoint, HttpStatusCode? status, string? message)
    {
        var code = status is { } s ? $"{(int)s} {s}" : "no response";
        return string.IsNullOrEmpty(message)
            ? $"Braze {endpoint} failed: {code}."
            : $"Braze {endpoint} failed: {code}: {message}";
    }
}
