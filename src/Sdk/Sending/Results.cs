using System.Collections.ObjectModel;
using System.Text.Json;

namespace Braze;

/// <summary>The answer to a schedule create call.</summary>
public sealed class ScheduleResult
{
    /// <summary>Creates the value.</summary>
    /// <param name="scheduleId">Keep it to update or delete the schedule.</param>
    /// <param name="dispatchId">Identifies the send.</param>
    public ScheduleResult(ScheduleId scheduleId, string? dispatchId)
    {
        ScheduleId = scheduleId;
        DispatchId = dispatchId;
    }

    /// <summary>Keep it to update or delete the schedule.</summary>
    public ScheduleId ScheduleId { get; }

    /// <summary>Identifies the send.</summary>
    public string? DispatchId { get; }
}

/// <summary>One campaign or Canvas scheduled to send, from <c>GET /messages/scheduled_broadcasts</c>.</summary>
public sealed class ScheduledBroadcast
{
    /// <summary>Creates the value.</summary>
    /// <param name="name">Its name in the dashboard.</param>
    /// <param name="id">The campaign or Canvas id.</param>
    /// <param name="target">Whether it is a Canvas or a campaign (null when Braze names a type the SDK does not know).</param>
    /// <param name="nextSendTime">When it sends next (null when Braze sent no time or one the SDK cannot read).</param>
    /// <param name="scheduleType"><c>local_time_zones</c>, <c>intelligent_delivery</c> or the company time zone name.</param>
    /// <param name="tags">Its tags.</param>
    public ScheduledBroadcast(string name, string id, ScheduleTarget? target, DateTimeOffset? nextSendTime, string scheduleType, IReadOnlyList<string> tags)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Id = id ?? throw new ArgumentNullException(nameof(id));
        Target = target;
        NextSendTime = nextSendTime;
        ScheduleType = scheduleType ?? throw new ArgumentNullException(nameof(scheduleType));
        Tags = tags ?? throw new ArgumentNullException(nameof(tags));
    }

    /// <summary>Its name in the dashboard.</summary>
    public string Name { get; }

    /// <summary>The campaign or Canvas id.</summary>
    public string Id { get; }

    /// <summary>Whether it is a Canvas or a campaign (null when Braze names a type the SDK does not know).</summary>
    public ScheduleTarget? Target { get; }

    /// <summary>When it sends next (null when Braze sent no time or one the SDK cannot read).</summary>
    public DateTimeOffset? NextSendTime { get; }

    /// <summary><c>local_time_zones</c>, <c>intelligent_delivery</c> or the company time zone name.</summary>
    public string ScheduleType { get; }

    /// <summary>Its tags.</summary>
    public IReadOnlyList<string> Tags { get; }
}

/// <summary>The answer to <c>POST /users/export/ids</c>.</summary>
public sealed class UsersExport
{
    /// <summary>Creates the value.</summary>
    /// <param name="users">The exported profiles, as Braze sent them (their fields depend on <c>fields_to_export</c>).</param>
    /// <param name="invalidUserIds">Requested external ids that matched no profile.</param>
    public UsersExport(IReadOnlyList<JsonElement> users, IReadOnlyList<string> invalidUserIds)
    {
        Users = users ?? throw new ArgumentNullException(nameof(users));
        InvalidUserIds = invalidUserIds ?? throw new ArgumentNullException(nameof(invalidUserIds));
    }

    /// <summary>The exported profiles, as Braze sent them (their fields depend on <c>fields_to_export</c>).</summary>
    public IReadOnlyList<JsonElement> Users { get; }

    /// <summary>Requested external ids that matched no profile.</summary>
    public IReadOnlyList<string> InvalidUserIds { get; }

    internal static readonly IReadOnlyList<string> NoIds = ReadOnlyCollection<string>.Empty;
}

/// <summary>
/// The answer to <c>/users/external_ids/rename</c> or <c>/remove</c>: Braze applies each item on its own, so some may
/// succeed while others fail, with a 2xx either way.
/// </summary>
public sealed class ExternalIdsResult
{
    /// <summary>Creates the value.</summary>
    /// <param name="succeeded">The new ids of the renames that succeeded, or the deprecated ids removed.</param>
    /// <param name="errors">Braze's description of each item that failed.</param>
    public ExternalIdsResult(IReadOnlyList<string> succeeded, IReadOnlyList<string> errors)
    {
        Succeeded = succeeded ?? throw new ArgumentNullException(nameof(succeeded));
        Errors = errors ?? throw new ArgumentNullException(nameof(errors));
    }

    /// <summary>The new ids of the renames that succeeded, or the deprecated ids removed.</summary>
    public IReadOnlyList<string> Succeeded { get; }

    /// <summary>Braze's description of each item that failed (its text, as sent).</summary>
    public IReadOnlyList<string> Errors { get; }
}

/// <summary>
/// What <c>DeleteUsersAsync</c> did: the profiles Braze deleted, and the items of those users the background tracker
/// purged first (queued or stored, not sent yet: sent after the deletion, they would create the profile again).
/// </summary>
public sealed class DeleteUsersResult
{
    /// <summary>Creates the value.</summary>
    /// <param name="deleted">How many profiles Braze deleted (<c>deleted</c> in its answer).</param>
    /// <param name="purgedItems">How many not-yet-sent items of those users were purged.</param>
    public DeleteUsersResult(int deleted, int purgedItems)
    {
        Deleted = deleted;
        PurgedItems = purgedItems;
    }

    /// <summary>How many profiles Braze deleted; an identifier without a profile is not counted.</summary>
    public int Deleted { get; }

    /// <summary>How many of those users' items the tracker purged instead of sending (0 without a tracker).</summary>
    public int PurgedItems { get; }
}
