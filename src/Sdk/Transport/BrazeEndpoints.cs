using Braze.Shared;
using Polly;

namespace Braze.Transport;

/// <summary>
/// A rate limit Braze counts separately (spec §2, and Braze's rate-limit table for the identity endpoints): a 429 in
/// one never pauses another. <see cref="UsersTrack"/> and <see cref="Other"/> take their limits from
/// <see cref="BrazeOptions"/>; an endpoint with a limit of its own paces with <see cref="DefaultPermits"/> per
/// <see cref="Window"/>.
/// </summary>
/// <param name="Name">The group's name (the endpoint's path for an endpoint limited on its own).</param>
/// <param name="DefaultPermits">Requests per window, from Braze's documentation.</param>
/// <param name="Window">The window.</param>
internal sealed record RateLimitGroup(string Name, int DefaultPermits, TimeSpan Window)
{
    /// <summary><c>/users/track</c>: <see cref="BrazeLimits.UsersTrackRequestsPerWindow"/> per <see cref="BrazeLimits.UsersTrackWindowSeconds"/> s.</summary>
    public static RateLimitGroup UsersTrack { get; } = new("/users/track", BrazeLimits.UsersTrackRequestsPerWindow, TimeSpan.FromSeconds(BrazeLimits.UsersTrackWindowSeconds));

    /// <summary>Scheduling, scheduled broadcasts and export: <see cref="BrazeLimits.OtherRequestsPerHour"/> per hour, shared.</summary>
    public static RateLimitGroup Other { get; } = new("other", BrazeLimits.OtherRequestsPerHour, TimeSpan.FromHours(1));

    /// <summary>An endpoint limited on its own, per minute.</summary>
    public static RateLimitGroup PerMinute(string path, int permits) => new(path, permits, TimeSpan.FromMinutes(1));
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

    /// <summary><c>POST /users/track/sync</c>: one object, answered with the profile after it; 500 per minute; at-least-once like <c>/users/track</c>.</summary>
    public static readonly BrazeEndpoint UsersTrackSync = new(HttpMethod.Post, "/users/track/sync", RateLimitGroup.PerMinute("/users/track/sync", 500), RepeatableAfterAmbiguousFailure: true);

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

    /// <summary><c>POST /canvas/trigger/send</c>: messages users at once, so never repeated after an ambiguous failure.</summary>
    public static readonly BrazeEndpoint CanvasTriggerSend = new(HttpMethod.Post, "/canvas/trigger/send", RateLimitGroup.Other, RepeatableAfterAmbiguousFailure: false);

    /// <summary><c>POST /campaigns/trigger/send</c>: never repeated after an ambiguous failure.</summary>
    public static readonly BrazeEndpoint CampaignTriggerSend = new(HttpMethod.Post, "/campaigns/trigger/send", RateLimitGroup.Other, RepeatableAfterAmbiguousFailure: false);

    /// <summary><c>POST /users/alias/new</c>: 20,000 per minute; adding an alias twice has one effect.</summary>
    public static readonly BrazeEndpoint UsersAliasNew = Identity("/users/alias/new", 20_000);

    /// <summary><c>POST /users/alias/update</c>: 20,000 per minute; a repeat finds the old name gone and changes nothing.</summary>
    public static readonly BrazeEndpoint UsersAliasUpdate = Identity("/users/alias/update", 20_000);

    /// <summary><c>POST /users/identify</c>: 20,000 per minute; identifying an identified alias again changes nothing.</summary>
    public static readonly BrazeEndpoint UsersIdentify = Identity("/users/identify", 20_000);

    /// <summary><c>POST /users/external_ids/rename</c>: 1,000 per minute; a repeat finds the old id renamed and changes nothing.</summary>
    public static readonly BrazeEndpoint UsersExternalIdsRename = Identity("/users/external_ids/rename", 1_000);

    /// <summary><c>POST /users/external_ids/remove</c>: 1,000 per minute; removing twice has one effect.</summary>
    public static readonly BrazeEndpoint UsersExternalIdsRemove = Identity("/users/external_ids/remove", 1_000);

    /// <summary><c>POST /users/merge</c>: 20,000 per minute; a repeat finds the merged profile gone and changes nothing.</summary>
    public static readonly BrazeEndpoint UsersMerge = Identity("/users/merge", 20_000);

    /// <summary><c>POST /users/delete</c>: 20,000 per minute; deleting twice has one effect.</summary>
    public static readonly BrazeEndpoint UsersDelete = Identity("/users/delete", 20_000);

    /// <summary><c>POST /v2/subscription/status/set</c>: 5,000 per minute (shared with v1); setting a state twice has one effect.</summary>
    public static readonly BrazeEndpoint SubscriptionStatusSet = Identity("/v2/subscription/status/set", 5_000);

    /// <summary>Every endpoint of the table.</summary>
    public static IReadOnlyList<BrazeEndpoint> All { get; } =
    [
        UsersTrack, UsersTrackSync, CanvasScheduleCreate, CanvasScheduleUpdate, CanvasScheduleDelete,
        CampaignScheduleCreate, CampaignScheduleUpdate, CampaignScheduleDelete, ScheduledBroadcasts, UsersExportIds,
        CanvasTriggerSend, CampaignTriggerSend, UsersAliasNew, UsersAliasUpdate, UsersIdentify, UsersExternalIdsRename, UsersExternalIdsRemove, UsersMerge, UsersDelete, SubscriptionStatusSet,
    ];

    /// <summary>An identity endpoint: its own per-minute limit, and safe to repeat (each has one effect however often it lands).</summary>
    private static BrazeEndpoint Identity(string path, int perMinute)
        => new(HttpMethod.Post, path, RateLimitGroup.PerMinute(path, perMinute), RepeatableAfterAmbiguousFailure: true);

    /// <summary>The schedule create endpoint of <paramref name="target"/>.</summary>
    public static BrazeEndpoint ScheduleCreate(ScheduleTarget target) => target switch
    {
        ScheduleTarget.Canvas => CanvasScheduleCreate,
        ScheduleTarget.Campaign => CampaignScheduleCreate,
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown schedule target."),
    };

    /// <summary>The trigger send endpoint of <paramref name="target"/>.</summary>
    public static BrazeEndpoint TriggerSend(ScheduleTarget target) => target switch
    {
        ScheduleTarget.Canvas => CanvasTriggerSend,
        ScheduleTarget.Campaign => CampaignTriggerSend,
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

    private static readonly ResiliencePropertyKey<string> s_failureKey = new("Braze.LastFailure");

    /// <summary>Remembers why an attempt of <paramref name="request"/> failed (a status or a transport failure), for the next attempt's span.</summary>
    public static void RecordFailure(HttpRequestMessage request, string reason) => request.GetResilienceContext()?.Properties.Set(s_failureKey, reason);

    /// <summary>Why the previous attempt of <paramref name="request"/> failed, or null for a first attempt.</summary>
    public static string? LastFailure(HttpRequestMessage request)
        => request.GetResilienceContext() is { } context && context.Properties.TryGetValue(s_failureKey, out var reason) ? reason : null;

    /// <summary>The descriptor <paramref name="request"/> carries, or null (a request the SDK did not build).</summary>
    public static BrazeEndpoint? Of(HttpRequestMessage? request)
        => request is not null && request.Options.TryGetValue(OptionKey, out var endpoint) ? endpoint : null;
}
