using System.Net;

namespace Braze.Testing;

/// <summary>
/// How <see cref="InMemoryBraze"/> answers a request: as Braze does when all is well, with minor errors, or with the
/// failures a service must survive (429, 5xx, 401, no connection). The SDK reacts to each exactly as it does to Braze's
/// (retries, pauses, deferrals, exceptions), so a test sees the behaviour the service will see in production.
/// </summary>
public sealed class BrazeAnswer
{
    private BrazeAnswer(string name, HttpStatusCode? status, IReadOnlyList<(TrackArray Array, int Index, string Message)> minorErrors)
    {
        Name = name;
        Status = status;
        MinorErrors = minorErrors;
    }

    /// <summary>Braze accepts the request (201 with the processed counts); the default.</summary>
    public static BrazeAnswer Accepted { get; } = new("accepted", HttpStatusCode.Created, []);

    /// <summary>Braze answers 429 (rate limited), with a reset one second ahead; the SDK pauses and retries.</summary>
    public static BrazeAnswer RateLimited { get; } = new("rate limited", HttpStatusCode.TooManyRequests, []);

    /// <summary>Braze answers 401 (a wrong API key); the tracker pauses delivery, the client throws.</summary>
    public static BrazeAnswer Unauthorized { get; } = new("unauthorized", HttpStatusCode.Unauthorized, []);

    /// <summary>No connection (refused): nothing reached Braze.</summary>
    public static BrazeAnswer Outage { get; } = new("outage", null, []);

    /// <summary>What this answer is, for messages (<c>accepted</c>, <c>rate limited</c>, <c>503</c>, ...).</summary>
    public string Name { get; }

    /// <summary>The HTTP status answered; null when no connection is made.</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>The minor errors of a <c>/users/track</c> success: which object of the HTTP request Braze did not apply, and why.</summary>
    public IReadOnlyList<(TrackArray Array, int Index, string Message)> MinorErrors { get; }

    /// <summary>A server error (500, 502, 503 or 504 by default 503); the SDK retries it.</summary>
    public static BrazeAnswer ServerError(HttpStatusCode status = HttpStatusCode.ServiceUnavailable)
        => (int)status is >= 500 and <= 599
            ? new(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), status, [])
            : throw new ArgumentOutOfRangeException(nameof(status), status, "A server error is a 5xx status.");

    /// <summary>
    /// A success with minor errors: Braze applied the other objects and not the one at <paramref name="index"/> of
    /// <paramref name="array"/> in the HTTP request (for example <c>("events", 0, "Invalid time")</c>).
    /// </summary>
    public static BrazeAnswer MinorError(TrackArray array, int index, string message)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new("minor errors", HttpStatusCode.Created, [(array, index, message)]);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
