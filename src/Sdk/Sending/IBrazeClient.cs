using System.Text.Json;


namespace Braze;

/// <summary>
/// The Braze client: validated, chunked, rate-limit-aware <c>/users/track</c> sends and Canvas / campaign
/// scheduling. Register it with <c>services.AddBraze(...)</c>; it is thread-safe and meant to be a singleton.
/// </summary>
public interface IBrazeClient
{
    /// <summary>
    /// Validates every object (throwing <see cref="BrazeValidationException"/> with every error and sending nothing
    /// when one is invalid), splits the request into HTTP requests within Braze's limits, sends them and returns what
    /// Braze accepted. Throws <see cref="BrazeTrackException"/> when a whole HTTP request failed after its retries
    /// (its <see cref="BrazeTrackException.Result"/> shows what was accepted). Minor errors do not throw: see
    /// <see cref="TrackResult.Errors"/> or call <see cref="TrackResult.EnsureSuccess"/>.
    /// </summary>
    Task<TrackResult> TrackAsync(TrackRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends one attributes, event or purchase object synchronously (<c>/users/track/sync</c>, 500 requests a minute)
    /// and returns the profile as Braze answers it after the update: for a read-your-write or for a user's updates in
    /// sequence. Any problem throws (<see cref="BrazeValidationException"/> before sending, <see cref="BrazeApiException"/> from Braze).
    /// </summary>
    Task<JsonElement> TrackSyncAsync(TrackRequest request, CancellationToken cancellationToken = default);

    /// <summary>Schedules an API-triggered Canvas or campaign; returns the <c>schedule_id</c> to update or delete it.</summary>
    Task<ScheduleResult> ScheduleAsync(ScheduleRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends an API-triggered Canvas or campaign now (<c>/canvas/trigger/send</c>, <c>/campaigns/trigger/send</c>) and
    /// returns its <c>dispatch_id</c>. It messages users, so it is never repeated after a failure that may have reached
    /// Braze: such a failure throws <see cref="BrazeApiException"/> saying the outcome is unknown.
    /// </summary>
    Task<string?> TriggerSendAsync(TriggerSendRequest request, CancellationToken cancellationToken = default);

    /// <summary>Replaces the whole schedule of a scheduled send (Braze keeps nothing of the old one).</summary>
    Task UpdateScheduleAsync(ScheduleTarget target, string id, ScheduleId scheduleId, Schedule schedule, CancellationToken cancellationToken = default);

    /// <summary>Cancels a scheduled send (best effort when very close to the send time).</summary>
    Task DeleteScheduleAsync(ScheduleTarget target, string id, ScheduleId scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Campaigns and entry Canvases scheduled between now and <paramref name="endTime"/>.</summary>
    Task<IReadOnlyList<ScheduledBroadcast>> ListScheduledBroadcastsAsync(DateTimeOffset endTime, CancellationToken cancellationToken = default);

    /// <summary>Exports profiles by external id (<c>/users/export/ids</c>), as Braze returns them.</summary>
    Task<UsersExport> ExportUsersAsync(IEnumerable<string> externalIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Exports profiles by any identifiers (<c>/users/export/ids</c>: external ids, user aliases, a braze id, an email
    /// address, a phone number), optionally only some fields. An invalid request throws
    /// <see cref="BrazeValidationException"/> and is not sent.
    /// </summary>
    Task<UsersExport> ExportUsersAsync(UsersExportRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates user aliases (<c>/users/alias/new</c>, at most 50): on an identified user, or as alias-only profiles.
    /// Returns how many Braze processed. Braze applies them asynchronously: a <c>/users/track</c> by the new alias sent
    /// right after may be processed first (the tracker keeps that order; see identity.md).
    /// </summary>
    Task<int> CreateAliasesAsync(IEnumerable<NewUserAlias> aliases, CancellationToken cancellationToken = default);

    /// <summary>Renames aliases (<c>/users/alias/update</c>, at most 50); the label stays.</summary>
    Task UpdateAliasesAsync(IEnumerable<UserAliasUpdate> updates, CancellationToken cancellationToken = default);

    /// <summary>
    /// Identifies anonymous profiles (<c>/users/identify</c>, at most 50): each alias-only or email-only profile becomes,
    /// or with <see cref="MergeBehavior.Merge"/> merges into, the user with the external id. Returns how many Braze processed.
    /// </summary>
    Task<int> IdentifyUsersAsync(IEnumerable<UserIdentification> identifications, MergeBehavior mergeBehavior = MergeBehavior.Merge, CancellationToken cancellationToken = default);

    /// <summary>Renames external ids (<c>/users/external_ids/rename</c>, at most 50); the old ids stay as deprecated ids until removed.</summary>
    Task<ExternalIdsResult> RenameExternalIdsAsync(IEnumerable<ExternalIdRename> renames, CancellationToken cancellationToken = default);

    /// <summary>Removes deprecated external ids (<c>/users/external_ids/remove</c>, at most 50); a current id is not removed.</summary>
    Task<ExternalIdsResult> RemoveExternalIdsAsync(IEnumerable<string> deprecatedExternalIds, CancellationToken cancellationToken = default);

    /// <summary>Merges profiles (<c>/users/merge</c>, at most 50): each merged profile's data moves to the kept one, which wins conflicts; the merged profile is removed.</summary>
    Task MergeUsersAsync(IEnumerable<UserMerge> merges, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes profiles for good (<c>/users/delete</c>, GDPR; at most 50 identifiers: external ids, aliases, braze ids,
    /// email addresses). The workspace's background tracker first purges those users' items it has not sent (in its
    /// queue and its outbox: sent after the deletion, they would create the profile again) and waits for the ones in
    /// flight. Returns how many profiles Braze deleted and how many items were purged.
    /// </summary>
    Task<DeleteUsersResult> DeleteUsersAsync(IEnumerable<UserId> users, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets subscription group states (<c>/v2/subscription/status/set</c>, at most 50 users in all): each update names
    /// its users by external ids, emails or phone numbers (not emails and phones together).
    /// </summary>
    Task SetSubscriptionStatusAsync(IEnumerable<SubscriptionStatusUpdate> updates, CancellationToken cancellationToken = default);
}

/// <summary>Convenience overloads over <see cref="IBrazeClient"/>.</summary>
public static class BrazeClientExtensions
{
    /// <summary>Tracks one event.</summary>
    public static Task<TrackResult> TrackAsync(this IBrazeClient client, TrackEvent trackEvent, CancellationToken cancellationToken = default)
        => Client(client).TrackAsync(new TrackRequest().Add(trackEvent), cancellationToken);

    /// <summary>Tracks one purchase.</summary>
    public static Task<TrackResult> TrackAsync(this IBrazeClient client, Purchase purchase, CancellationToken cancellationToken = default)
        => Client(client).TrackAsync(new TrackRequest().Add(purchase), cancellationToken);

    /// <summary>Sends one attributes object.</summary>
    public static Task<TrackResult> TrackAsync(this IBrazeClient client, AttributesUpdate attributes, CancellationToken cancellationToken = default)
        => Client(client).TrackAsync(new TrackRequest().Add(attributes), cancellationToken);

    /// <summary>Schedules a Canvas for specific recipients, with optional entry properties (<c>context</c>).</summary>
    public static Task<ScheduleResult> ScheduleCanvasAsync(this IBrazeClient client, string canvasId, IEnumerable<Recipient> recipients, Schedule schedule, IBrazeProperties? context = null, CancellationToken cancellationToken = default)
        => Client(client).ScheduleAsync(new ScheduleRequest(ScheduleTarget.Canvas, canvasId, schedule) { Recipients = [.. recipients], Context = context }, cancellationToken);

    /// <summary>Schedules a Canvas for its whole segment.</summary>
    public static Task<ScheduleResult> BroadcastCanvasAsync(this IBrazeClient client, string canvasId, Schedule schedule, IBrazeProperties? context = null, CancellationToken cancellationToken = default)
        => Client(client).ScheduleAsync(new ScheduleRequest(ScheduleTarget.Canvas, canvasId, schedule) { Broadcast = true, Context = context }, cancellationToken);

    /// <summary>Replaces a Canvas schedule.</summary>
    public static Task UpdateCanvasScheduleAsync(this IBrazeClient client, string canvasId, ScheduleId scheduleId, Schedule schedule, CancellationToken cancellationToken = default)
        => Client(client).UpdateScheduleAsync(ScheduleTarget.Canvas, canvasId, scheduleId, schedule, cancellationToken);

    /// <summary>Deletes a Canvas schedule.</summary>
    public static Task DeleteCanvasScheduleAsync(this IBrazeClient client, string canvasId, ScheduleId scheduleId, CancellationToken cancellationToken = default)
        => Client(client).DeleteScheduleAsync(ScheduleTarget.Canvas, canvasId, scheduleId, cancellationToken);

    /// <summary>Schedules a campaign for specific recipients, with optional trigger properties.</summary>
    public static Task<ScheduleResult> ScheduleCampaignAsync(this IBrazeClient client, string campaignId, IEnumerable<Recipient> recipients, Schedule schedule, IBrazeProperties? triggerProperties = null, CancellationToken cancellationToken = default)
        => Client(client).ScheduleAsync(new ScheduleRequest(ScheduleTarget.Campaign, campaignId, schedule) { Recipients = [.. recipients], TriggerProperties = triggerProperties }, cancellationToken);

    /// <summary>Replaces a campaign schedule.</summary>
    public static Task UpdateCampaignScheduleAsync(this IBrazeClient client, string campaignId, ScheduleId scheduleId, Schedule schedule, CancellationToken cancellationToken = default)
        => Client(client).UpdateScheduleAsync(ScheduleTarget.Campaign, campaignId, scheduleId, schedule, cancellationToken);

    /// <summary>Deletes a campaign schedule.</summary>
    public static Task DeleteCampaignScheduleAsync(this IBrazeClient client, string campaignId, ScheduleId scheduleId, CancellationToken cancellationToken = default)
        => Client(client).DeleteScheduleAsync(ScheduleTarget.Campaign, campaignId, scheduleId, cancellationToken);

    private static IBrazeClient Client(IBrazeClient client) => client ?? throw new ArgumentNullException(nameof(client));
}
