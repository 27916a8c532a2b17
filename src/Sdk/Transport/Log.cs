using Microsoft.Extensions.Logging;

namespace Braze.Transport;

/// <summary>
/// Every log line the SDK writes. None contains the API key; user identifiers appear only through
/// <see cref="UserId.ToString"/>, which redacts email and phone.
/// </summary>
internal static partial class Log
{
    /// <summary>The one line per HTTP attempt (the Braze pipeline has HttpClient's own request logging removed).</summary>
    [LoggerMessage(1, LogLevel.Debug, "Braze {Method} {Endpoint} answered {StatusCode} for {Objects} object(s), attempt {Attempt}, in {ElapsedMs} ms")]
    public static partial void Response(ILogger logger, string method, string endpoint, int statusCode, int objects, int attempt, long elapsedMs);

    [LoggerMessage(2, LogLevel.Warning, "Braze {Endpoint} attempt {Attempt} failed without a response after {ElapsedMs} ms: {Reason}")]
    public static partial void NoResponse(ILogger logger, string endpoint, int attempt, long elapsedMs, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Braze rate limit reached (status {StatusCode}, remaining {Remaining}); pausing requests for {PauseMs} ms")]
    public static partial void RateLimitPause(ILogger logger, int statusCode, long? remaining, long pauseMs);

    [LoggerMessage(4, LogLevel.Information, "Retrying Braze {Endpoint} (attempt {Attempt}) in {DelayMs} ms after {Outcome}")]
    public static partial void Retry(ILogger logger, string endpoint, int attempt, long delayMs, string outcome);

    [LoggerMessage(5, LogLevel.Debug, "Sending {Objects} objects to /users/track in {Requests} request(s)")]
    public static partial void TrackPlan(ILogger logger, int objects, int requests);

    [LoggerMessage(6, LogLevel.Warning, "Braze accepted a /users/track request with {Count} minor error(s); the objects named are not applied")]
    public static partial void MinorErrors(ILogger logger, int count);

    [LoggerMessage(7, LogLevel.Error, "Braze /users/track request of {Objects} objects failed: {Message}")]
    public static partial void TrackFailed(ILogger logger, int objects, string message, Exception exception);

    [LoggerMessage(8, LogLevel.Debug, "Braze requests slowed down: {Remaining} of {Limit} left until {Reset}")]
    public static partial void SlowDown(ILogger logger, long remaining, long limit, DateTimeOffset reset);
}
