using Braze.Shared;
using Polly;

namespace Braze.Transport;

/// <summary>The rate-limit groups Braze counts separately (spec §2): a 429 in one never pauses the other.</summary>
internal enum RateLimitGroup
{
    /// <summary><c>/users/track</c>: <see cref="BrazeLimits.UsersTrackRequestsPerWindow"/> per <see cref="BrazeLimits.UsersTrackWindowSeconds"/> s.</summary>
    UsersTrack,

    /// <summary>Scheduling, scheduled broadcasts and export: <see cref="BrazeLimits.OtherRequestsPerHour"/> per hour, shared.</summary>
    Other,
}

/// <summary>
/// One Braze endpoint the SDK calls: what the retry policy, the pacer, logs and metrics need to know about it. The
/// descriptor travels with the request (<see cref="HttpRequestMessage.Options"/>, set by Refit from the
/// <see cref="IBrazeApi"/> method's <c>[Property]</c> parameter), so no handler ever looks at the URL.
/// </summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, also the <c>endpoint</c> tag of metrics and logs.</param>
/// <param name="Group">Which rate limit it counts against.</param>
/// <param name="RepeatableAfterAmbiguousFailure">
/// Whether a retry is allowed after a failure that may have reached Braze (a timeout or a 5xx after the body was
/// sent). False for endpoints with an effect that must not happen twice (a schedule create would message users
/// twice); those are retried only when Braze certainly did not process the request (a 429, or no connection).
/// </param>
internal sealed record BrazeEndpoint(HttpMethod Method, string Path, RateLimitGroup Group, bool RepeatableAfterAmbiguousFailure)
{
    /// <inheritdoc />
    public override string ToString() => $"{Method.Method} {Path}";
}

/// <summary>The one table of the Braze endpoints the SDK calls.</summary>
internal static class BrazeEndpoints
{
    /// <summary>The <see cref="HttpRequestMessage.Options"/> key under which a request carries its descriptor.</summary>
    public const string OptionName = "Braze.Endpoint";

    /// <summary>The typed key of <see cref="OptionName"/>.</summary>
    public static readonly HttpRequestOptionsKey<BrazeEndpoint> OptionKey = new(OptionName);

    /// <summary><c>POST /users/track</c>: delivery is at-least-once (spec decisions), so a retry after an ambiguous failure is allowed.</summary>
    public static readonly BrazeEndpoint UsersTrack = new(HttpMethod.Post, "/users/track", RateLimitGroup.UsersTrack, RepeatableAfterAmbiguousFailure: true);

    /// <summary><c>POST /canvas/trigger/schedule/create</c>: no idempotency key, so never repeated after an ambiguous failure.</summary>
    public static readonly BrazeEndpoint CanvasScheduleCreate = new(HttpMethod.Post, "/canvas/trigger/schedule/create", RateLimitGroup.Other, RepeatableAfterAmbiguousFailure: false);

    /// <summary><c>POST /canvas/trigger/schedule/update</c>: setting the same schedule twice has one effect.</summary>
    public static readonly BrazeEndpoint CanvasScheduleUpdate = new(HttpMethod.Post, "/canvas/trigger/schedule/update", RateLimitGroup.Other, RepeatableAfterAmbiguousFailure: true);

    /// <summary><c>POST /canvas/trigger/schedule/delete</c>: deleting twice has one effect.</summary>
    public static readonly BrazeEndpoint CanvasScheduleDelete = new(HttpMethod.Post, "/canvas/trigger/schedule/delete", RateLimitGroup.Other, RepeatableAfterAmbiguousFailure: true);

    /// <summary><c>POST /campaigns/trigger/schedule/create</c>: never repeated after an ambiguous failure.</summary>
    public static readonly BrazeEndpoint CampaignScheduleCreate = new(HttpMethod.Post, "/campaigns/trigger/schedule/create", RateLimitGroup.Other, RepeatableAfterAmbiguousFailure: false);

    /// <summary><c>POST /campaigns/trigger/schedule/update</c>.</summary>
    public static readonly BrazeEndpoint CampaignScheduleUpdate = new(HttpMethod.Post, "/campaigns/trigger/schedule/update", RateLimitGroup.Other, RepeatableAfterAmbiguousFailure: true);

    /// <summary><c>POST /campaigns/trigger/schedule/delete</c>.</summary>
    public static readonly BrazeEndpoint CampaignScheduleDelete = new(HttpMethod.Post, "/campaigns/trigger/schedule/delete", RateLimitGroup.Other, RepeatableAfterAmbiguousFailure: true);

    /// <summary><c>GET /messages/scheduled_broadcasts</c>: a read.</summary>
    public static readonly BrazeEndpoint ScheduledBroadcasts = new(HttpMethod.Get, "/messages/scheduled_broadcasts", RateLimitGroup.Other, RepeatableAfterAmbiguousFailure: true);

    /// <summary><c>POST /users/export/ids</c>: a read.</summary>
    public static readonly BrazeEndpoint UsersExportIds = new(HttpMethod.Post, "/users/export/ids", RateLimitGroup.Other, RepeatableAfterAmbiguousFailure: true);

    /// <summary>Every endpoint of the table.</summary>
    public static IReadOnlyList<BrazeEndpoint> All { get; } =
    [
        UsersTrack, CanvasScheduleCreate, CanvasScheduleUpdate, CanvasScheduleDelete,
        CampaignScheduleCreate, CampaignScheduleUpdate, CampaignScheduleDelete, ScheduledBroadcasts, UsersExportIds,
    ];

    /// <summary>The schedule create endpoint of <paramref name="target"/>.</summary>
    public static BrazeEndpoint ScheduleCreate(ScheduleTarget target) => target switch
    {
        ScheduleTarget.Canvas => CanvasScheduleCreate,
        ScheduleTarget.Campaign => CampaignScheduleCreate,
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown schedule target."),
    };

    /// <summary>The schedule update endpoint of <paramref name="target"/>.</summary>
    public static BrazeEndpoint ScheduleUpdate(ScheduleTarget target) => target switch
    {
        ScheduleTarget.Canvas => CanvasScheduleUpdate,
        ScheduleTarget.Campaign => CampaignScheduleUpdate,
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown schedule target."),
    };

    /// <summary>The schedule delete endpoint of <paramref name="target"/>.</summary>
    public static BrazeEndpoint ScheduleDelete(ScheduleTarget target) => target switch
    {
        ScheduleTarget.Canvas => CanvasScheduleDelete,
        ScheduleTarget.Campaign => CampaignScheduleDelete,
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown schedule target."),
    };

    /// <summary>The <see cref="HttpRequestMessage.Options"/> key under which a request carries how many objects it holds (for its log line).</summary>
    public const string ObjectsOptionName = "Braze.Objects";

    private static readonly HttpRequestOptionsKey<int> s_objectsKey = new(ObjectsOptionName);
    private static readonly ResiliencePropertyKey<int> s_attemptKey = new("Braze.Attempt");

    /// <summary>How many objects <paramref name="request"/> holds (0 for requests that carry none).</summary>
    public static int ObjectsOf(HttpRequestMessage request)
        => request.Options.TryGetValue(s_objectsKey, out var objects) ? objects : 0;

    /// <summary>
    /// Counts one more attempt of the request's resilience execution and returns its number (1 for the first). The
    /// count lives in the execution's <see cref="ResilienceContext"/>, which every retry of the request shares.
    /// </summary>
    public static int NextAttempt(HttpRequestMessage request)
    {
        if (request.GetResilienceContext() is not { } context)
        {
            return 1;
        }

        var attempt = (context.Properties.TryGetValue(s_attemptKey, out var previous) ? previous : 0) + 1;
        context.Properties.Set(s_attemptKey, attempt);
        return attempt;
    }

    /// <summary>The descriptor <paramref name="request"/> carries, or null (a request the SDK did not build).</summary>
    public static BrazeEndpoint? Of(HttpRequestMessage? request)
        => request is not null && request.Options.TryGetValue(OptionKey, out var endpoint) ? endpoint : null;
}
