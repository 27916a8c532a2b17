using System.Text.Json;
using System.Text.Json.Serialization;

namespace Braze.Wire;

/// <summary>The body of a <c>/users/track</c> answer.</summary>
internal sealed class TrackResponse
{
    /// <summary><c>success</c>, or the fatal error message.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>External ids with attributes queued.</summary>
    [JsonPropertyName("attributes_processed")]
    public int? AttributesProcessed { get; set; }

    /// <summary>Events queued.</summary>
    [JsonPropertyName("events_processed")]
    public int? EventsProcessed { get; set; }

    /// <summary>Purchases queued.</summary>
    [JsonPropertyName("purchases_processed")]
    public int? PurchasesProcessed { get; set; }

    /// <summary>Minor (with a 2xx) or fatal errors, as Braze sent them; their shape is not documented.</summary>
    [JsonPropertyName("errors")]
    public List<JsonElement>? Errors { get; set; }
}

/// <summary>The body of a schedule create answer.</summary>
internal sealed class ScheduleCreateResponse
{
    /// <summary><c>success</c> or an error message.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>Identifies the scheduled send; keep it to update or delete the schedule.</summary>
    [JsonPropertyName("schedule_id")]
    public string? ScheduleId { get; set; }

    /// <summary>Identifies the dispatch.</summary>
    [JsonPropertyName("dispatch_id")]
    public string? DispatchId { get; set; }

    /// <summary>Errors, if any.</summary>
    [JsonPropertyName("errors")]
    public List<JsonElement>? Errors { get; set; }
}

/// <summary>A body with only <c>message</c> (and maybe <c>errors</c>): schedule update/delete answers and error answers.</summary>
internal sealed class MessageResponse
{
    /// <summary><c>success</c> or an error message.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>Errors, if any.</summary>
    [JsonPropertyName("errors")]
    public List<JsonElement>? Errors { get; set; }
}

/// <summary>The body of an identity endpoint's answer (<c>/users/alias/new</c>, identify, rename, remove, merge, delete): each fills some fields.</summary>
internal sealed class UserOperationResponse
{
    /// <summary><c>success</c> or an error message.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>Aliases created or identified (<c>/users/alias/new</c>, <c>/users/identify</c>).</summary>
    [JsonPropertyName("aliases_processed")]
    public int? AliasesProcessed { get; set; }

    /// <summary>Profiles deleted (<c>/users/delete</c>).</summary>
    [JsonPropertyName("deleted")]
    public int? Deleted { get; set; }

    /// <summary>The new external ids of the renames that succeeded.</summary>
    [JsonPropertyName("external_ids")]
    public List<string>? ExternalIds { get; set; }

    /// <summary>The renames that failed, as Braze describes them.</summary>
    [JsonPropertyName("rename_errors")]
    public List<JsonElement>? RenameErrors { get; set; }

    /// <summary>The deprecated external ids removed.</summary>
    [JsonPropertyName("removed_ids")]
    public List<string>? RemovedIds { get; set; }

    /// <summary>The removals that failed, as Braze describes them.</summary>
    [JsonPropertyName("removal_errors")]
    public List<JsonElement>? RemovalErrors { get; set; }

    /// <summary>Errors, if any.</summary>
    [JsonPropertyName("errors")]
    public List<JsonElement>? Errors { get; set; }
}

/// <summary>The body of <c>GET /messages/scheduled_broadcasts</c>.</summary>
internal sealed class ScheduledBroadcastsResponse
{
    /// <summary>Scheduled campaigns and entry Canvases.</summary>
    [JsonPropertyName("scheduled_broadcasts")]
    public List<ScheduledBroadcastBody> ScheduledBroadcasts { get; set; } = [];

    /// <summary><c>success</c> or an error message.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }
}

/// <summary>One scheduled campaign or Canvas.</summary>
internal sealed class ScheduledBroadcastBody
{
    /// <summary>Name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Campaign or Canvas id.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    /// <summary><c>Canvas</c> or <c>Campaign</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>Tags.</summary>
    [JsonPropertyName("tags")]
    public List<string>? Tags { get; set; }

    /// <summary>Next send time, ISO 8601.</summary>
    [JsonPropertyName("next_send_time")]
    public string? NextSendTime { get; set; }

    /// <summary><c>local_time_zones</c>, <c>intelligent_delivery</c> or the company time zone name.</summary>
    [JsonPropertyName("schedule_type")]
    public string? ScheduleType { get; set; }
}

/// <summary>The body of <c>POST /users/export/ids</c>.</summary>
internal sealed class UsersExportResponse
{
    /// <summary>The exported profiles, as Braze sent them.</summary>
    [JsonPropertyName("users")]
    public List<JsonElement> Users { get; set; } = [];

    /// <summary>Requested ids that matched no profile.</summary>
    [JsonPropertyName("invalid_user_ids")]
    public List<string>? InvalidUserIds { get; set; }

    /// <summary><c>success</c> or an error message.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
