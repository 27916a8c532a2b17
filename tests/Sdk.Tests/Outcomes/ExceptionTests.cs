using System.Net;
using System.Text.Json;

namespace Braze.Tests.Outcomes;

/// <summary><see cref="BrazeException.IsOutcomeUnknown"/> says, for every subtype, whether what failed may still have been applied.</summary>
public sealed class ExceptionTests
{
    private static readonly TrackObjectRange s_range = new(0, 0, 0, 75, 0, 0);

    [Fact]
    public void An_api_failure_is_unknown_exactly_when_no_answer_came()
    {
        Assert.True(new BrazeApiException("/users/track", statusCode: null, "timed out", null, null, null).IsOutcomeUnknown);
        Assert.False(new BrazeApiException("/users/track", HttpStatusCode.BadRequest, "bad", null, null, null).IsOutcomeUnknown);
        Assert.False(new BrazeApiException("/users/track", statusCode: null, "refused", null, null, null, outcomeUnknown: false).IsOutcomeUnknown);
    }

    [Fact]
    public void A_track_failure_carries_its_first_failed_request_and_is_unknown_only_when_one_may_have_applied()
    {
        var rejected = new BrazeApiException("/users/track", HttpStatusCode.BadRequest, "bad", null, null, null);
        var timedOut = new BrazeApiException("/users/track", statusCode: null, "timed out", null, null, null);

        var known = new BrazeTrackException(Result(new TrackFailure(s_range, rejected)));
        Assert.False(known.IsOutcomeUnknown);
        Assert.Equal(HttpStatusCode.BadRequest, known.StatusCode);
        Assert.Same(rejected, known.InnerException);

        var unknown = new BrazeTrackException(Result(new TrackFailure(s_range, rejected), new TrackFailure(s_range, timedOut)));
        Assert.True(unknown.IsOutcomeUnknown);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        var minorOnly = new BrazeTrackException(new TrackResult(0, 74, 0, 1, [new TrackError(TrackArray.Events, 3, "bad event", default(JsonElement), s_range)], []));
        Assert.False(minorOnly.IsOutcomeUnknown);
        Assert.Equal("/users/track", minorOnly.Endpoint);
    }

    [Fact]
    public void A_delivery_failure_is_unknown_when_the_request_that_held_the_item_may_have_applied()
    {
        var timedOut = new BrazeApiException("/users/track", statusCode: null, "timed out", null, null, null);
        Assert.True(new BrazeDeliveryException("not delivered", timedOut).IsOutcomeUnknown);
        Assert.False(new BrazeDeliveryException("rejected", new BrazeApiException("/users/track", HttpStatusCode.BadRequest, "bad", null, null, null)).IsOutcomeUnknown);
        Assert.False(new BrazeDeliveryException("stopped").IsOutcomeUnknown);
    }

    [Fact]
    public void Validation_and_queue_failures_are_never_unknown()
    {
        Assert.False(new BrazeValidationException([new ValidationError("$", "malformed_json", "bad")]).IsOutcomeUnknown);
        Assert.False(new BrazeQueueFullException().IsOutcomeUnknown);
    }

    private static TrackResult Result(params TrackFailure[] failures) => new(0, 0, 0, failures.Length, [], failures);
}
