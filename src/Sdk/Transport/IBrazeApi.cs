using Refit;
using Braze.Wire;

namespace Braze.Transport;

/// <summary>
/// The Braze REST endpoints the SDK calls, as a Refit interface (source-generated client, no reflection).
/// Every method takes its <see cref="BrazeEndpoint"/> descriptor, which Refit puts in the request's options for the
/// handlers (pacing, retries, metrics) to read. Bodies are pre-serialized JSON (<see cref="HttpContent"/>) written by the SDK's validated writers.
/// <c>BrazeClient</c> validates, chunks and maps results around it.
/// </summary>
internal interface IBrazeApi
{
    /// <summary><c>POST /users/track</c>.</summary>
    [Post("/users/track")]
    Task<IApiResponse<TrackResponse>> TrackAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, [Property(BrazeEndpoints.ObjectsOptionName)] int objects, CancellationToken cancellationToken = default);

    /// <summary><c>POST /users/track/sync</c>.</summary>
    [Post("/users/track/sync")]
    Task<IApiResponse<UsersExportResponse>> TrackSyncAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, CancellationToken cancellationToken = default);

    /// <summary><c>POST /canvas/trigger/schedule/create</c>.</summary>
    [Post("/canvas/trigger/schedule/create")]
    Task<IApiResponse<ScheduleCreateResponse>> CreateCanvasScheduleAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, CancellationToken cancellationToken = default);

    /// <summary><c>POST /canvas/trigger/schedule/update</c>.</summary>
    [Post("/canvas/trigger/schedule/update")]
    Task<IApiResponse<MessageResponse>> UpdateCanvasScheduleAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, CancellationToken cancellationToken = default);

    /// <summary><c>POST /canvas/trigger/schedule/delete</c>.</summary>
    [Post("/canvas/trigger/schedule/delete")]
    Task<IApiResponse<MessageResponse>> DeleteCanvasScheduleAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, CancellationToken cancellationToken = default);

    /// <summary><c>POST /campaigns/trigger/schedule/create</c>.</summary>
    [Post("/campaigns/trigger/schedule/create")]
    Task<IApiResponse<ScheduleCreateResponse>> CreateCampaignScheduleAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, CancellationToken cancellationToken = default);

    /// <summary><c>POST /campaigns/trigger/schedule/update</c>.</summary>
    [Post("/campaigns/trigger/schedule/update")]
    Task<IApiResponse<MessageResponse>> UpdateCampaignScheduleAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, CancellationToken cancellationToken = default);

    /// <summary><c>POST /campaigns/trigger/schedule/delete</c>.</summary>
    [Post("/campaigns/trigger/schedule/delete")]
    Task<IApiResponse<MessageResponse>> DeleteCampaignScheduleAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, CancellationToken cancellationToken = default);

    /// <summary><c>GET /messages/scheduled_broadcasts?end_time=...</c>.</summary>
    [Get("/messages/scheduled_broadcasts")]
    Task<IApiResponse<ScheduledBroadcastsResponse>> ListScheduledBroadcastsAsync([AliasAs("end_time")] string endTime, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, CancellationToken cancellationToken = default);

    /// <summary><c>POST /canvas/trigger/send</c>.</summary>
    [Post("/canvas/trigger/send")]
    Task<IApiResponse<ScheduleCreateResponse>> SendCanvasAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, CancellationToken cancellationToken = default);

    /// <summary><c>POST /campaigns/trigger/send</c>.</summary>
    [Post("/campaigns/trigger/send")]
    Task<IApiResponse<ScheduleCreateResponse>> SendCampaignAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, CancellationToken cancellationToken = default);

    /// <summary><c>POST /users/alias/new</c>.</summary>
    [Post("/users/alias/new")]
    Task<IApiResponse<UserOperationResponse>> NewAliasesAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, [Property(BrazeEndpoints.ObjectsOptionName)] int objects, CancellationToken cancellationToken = default);

    /// <summary><c>POST /users/alias/update</c>.</summary>
    [Post("/users/alias/update")]
    Task<IApiResponse<UserOperationResponse>> UpdateAliasesAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, [Property(BrazeEndpoints.ObjectsOptionName)] int objects, CancellationToken cancellationToken = default);

    /// <summary><c>POST /users/identify</c>.</summary>
    [Post("/users/identify")]
    Task<IApiResponse<UserOperationResponse>> IdentifyAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, [Property(BrazeEndpoints.ObjectsOptionName)] int objects, CancellationToken cancellationToken = default);

    /// <summary><c>POST /users/external_ids/rename</c>.</summary>
    [Post("/users/external_ids/rename")]
    Task<IApiResponse<UserOperationResponse>> RenameExternalIdsAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, [Property(BrazeEndpoints.ObjectsOptionName)] int objects, CancellationToken cancellationToken = default);

    /// <summary><c>POST /users/external_ids/remove</c>.</summary>
    [Post("/users/external_ids/remove")]
    Task<IApiResponse<UserOperationResponse>> RemoveExternalIdsAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, [Property(BrazeEndpoints.ObjectsOptionName)] int objects, CancellationToken cancellationToken = default);

    /// <summary><c>POST /users/merge</c>.</summary>
    [Post("/users/merge")]
    Task<IApiResponse<UserOperationResponse>> MergeAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, [Property(BrazeEndpoints.ObjectsOptionName)] int objects, CancellationToken cancellationToken = default);

    /// <summary><c>POST /users/delete</c>.</summary>
    [Post("/users/delete")]
    Task<IApiResponse<UserOperationResponse>> DeleteAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, [Property(BrazeEndpoints.ObjectsOptionName)] int objects, CancellationToken cancellationToken = default);

    /// <summary><c>POST /v2/subscription/status/set</c>.</summary>
    [Post("/v2/subscription/status/set")]
    Task<IApiResponse<UserOperationResponse>> SetSubscriptionStatusAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, [Property(BrazeEndpoints.ObjectsOptionName)] int objects, CancellationToken cancellationToken = default);

    /// <summary><c>POST /users/export/ids</c>.</summary>
    [Post("/users/export/ids")]
    Task<IApiResponse<UsersExportResponse>> ExportUsersByIdsAsync([Body] HttpContent body, [Property(BrazeEndpoints.OptionName)] BrazeEndpoint endpoint, CancellationToken cancellationToken = default);
}
