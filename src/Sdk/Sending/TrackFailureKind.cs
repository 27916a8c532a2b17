using System.Net;

namespace Braze.Sending;

/// <summary>What a failed <c>/users/track</c> request says about the objects it held.</summary>
internal enum TrackFailureKind
{
    /// <summary>Not the objects' fault (no answer, 5xx, 408, 429, a redirect, an unknown status): send them again later.</summary>
    Transient,

    /// <summary>401 or 403: the key is wrong, revoked or lacks the permission; every request fails until it is fixed.</summary>
    Unauthorized,

    /// <summary>400, 413 or 422: Braze refused the body. With one object it is that object's fault; with several, one of them.</summary>
    Refused,
}

/// <summary>Classifies failed requests for delivery (retry later, pause, or find the offending object).</summary>
internal static class TrackFailures
{
    public static TrackFailureKind Classify(BrazeApiException failure) => failure.StatusCode switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => TrackFailureKind.Unauthorized,
        HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity => TrackFailureKind.Refused,
        _ => TrackFailureKind.Transient,
    };
}
