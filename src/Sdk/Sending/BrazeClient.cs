using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Refit;
using Braze.Generated;
using Braze.Payloads;
using Braze.Rules;
using Braze.Sending;
using Braze.Transport;
using Braze.Wire;

namespace Braze;

/// <summary>
/// The SDK's client over <see cref="IBrazeApi"/>: validates everything before sending, chunks <c>/users/track</c>
/// to Braze's limits, sends with bounded concurrency (the HTTP pipeline adds auth, pacing and retries) and maps
/// results back to the caller's objects.
/// </summary>
internal sealed class BrazeClient : IBrazeClient, ITrackSender
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private readonly IBrazeApi _api;
    private readonly BrazeOptions _options;
    private readonly ILogger _logger;
    private readonly BrazeMetrics? _metrics;
    private readonly TimeProvider _time;

    /// <summary>Creates a client over a Refit <see cref="IBrazeApi"/> (as registered by <c>AddBraze</c>).</summary>
    public BrazeClient(IBrazeApi api, BrazeOptions options, ILogger<BrazeClient>? logger = null, BrazeMetrics? metrics = null, TimeProvider? timeProvider = null)
    {
        _api = api ?? throw new ArgumentNullException(nameof(api));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = metrics;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The options in force (the API key is never shown by its ToString).</summary>
    public BrazeOptions Options => _options;

    /// <inheritdoc />
    public IBrazeClient Client => this;

    /// <inheritdoc />
    public IUserOperationOrder? Order { get; set; }

    /// <inheritdoc />
    public async Task<TrackResult> TrackAsync(TrackRequest request, CancellationToken cancellationToken = default)
    {
        using var activity = BrazeTelemetry.StartOperation("braze.track", BrazeEndpoints.UsersTrack, request?.Count);
        TrackResult result;
        try
        {
            result = await SendAsync(request!, validate: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            BrazeTelemetry.Fail(activity, ex);
            throw;
        }

        activity?.SetTag("braze.requests", result.RequestCount);
        if (result.Errors.Count > 0)
        {
            activity?.SetTag("braze.minor_errors", result.Errors.Count);
        }

        if (result.Failures.Count > 0)
        {
            var failure = new BrazeTrackException(result);
            BrazeTelemetry.Fail(activity, failure);
            throw failure;
        }

        return result;
    }

    /// <summary>
    /// Sends a request and reports every outcome in the result without throwing for API failures (used by the
    /// background tracker). With <paramref name="validate"/> false the caller vouches that every object is valid.
    /// </summary>
    public async Task<TrackResult> SendAsync(TrackRequest request, bool validate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<ValidationError> warnings = [];
        if (validate)
        {
            var validation = request.Validate(_options.Validation);
            if (!validation.IsValid)
            {
                _metrics?.ObjectsRejected.Add(request.Count);
                throw new BrazeValidationException(validation.Errors);
            }

            warnings = [.. validation.Warnings];
        }

        if (request.Count == 0)
        {
            return new TrackResult(0, 0, 0, 0, [], [], warnings);
        }

        using var chunker = TrackChunker.Serialize(request, new BrazeWriteContext(_options.Validation));
        var sizeContext = new ValidationContext(_options.Validation);
        chunker.ValidateObjectSizes(sizeContext);
        if (sizeContext.HasErrors)
        {
            _metrics?.ObjectsRejected.Add(request.Count);
            throw new BrazeValidationException([.. sizeContext.Errors]);
        }

        var result = await SendChunksAsync(chunker, cancellationToken).ConfigureAwait(false);
        return warnings.Count == 0 ? result
            : new TrackResult(result.AttributesProcessed, result.EventsProcessed, result.PurchasesProcessed, result.RequestCount, result.Errors, result.Failures, warnings);
    }

    /// <summary>Sends objects that are already validated and serialized (the background tracker's path), reporting every outcome.</summary>
    public async Task<TrackResult> SendChunksAsync(TrackChunker chunker, CancellationToken cancellationToken)
    {
        var ranges = chunker.Plan(_options.Validation);
        Log.TrackPlan(_logger, chunker.ObjectCount, ranges.Count);
        var outcomes = new ChunkOutcome[ranges.Count];
        if (ranges.Count == 1)
        {
            // The tracker's usual case (one full batch): no parallel loop to set up.
            outcomes[0] = await SendChunkAsync(chunker, ranges[0], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, ranges.Count),
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentRequests, CancellationToken = cancellationToken },
                async (i, ct) => outcomes[i] = await SendChunkAsync(chunker, ranges[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        }

        int attributes = 0, events = 0, purchases = 0;
        var errors = new List<TrackError>();
        var failures = new List<TrackFailure>();
        foreach (var o in outcomes)
        {
            attributes += o.Response?.AttributesProcessed ?? 0;
            events += o.Response?.EventsProcessed ?? 0;
            purchases += o.Response?.PurchasesProcessed ?? 0;
            errors.AddRange(o.Errors);
            if (o.Failure is not null)
            {
                failures.Add(o.Failure);
            }
        }

        var rejected = failures.Sum(f => f.Range.Count) + errors.Count;
        _metrics?.ObjectsSent.Add(chunker.ObjectCount - rejected);
        if (rejected > 0)
        {
            _metrics?.ObjectsRejected.Add(rejected);
        }

        return new TrackResult(attributes, events, purchases, ranges.Count, errors, failures);
    }

    /// <inheritdoc />
    public async Task<JsonElement> TrackSyncAsync(TrackRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var validation = request.Validate(_options.Validation);
        var count = new ValidationContext(_options.Validation);
        BrazeRules.SyncObjectCount(count, request.Count);
        if (!validation.IsValid || count.HasErrors)
        {
            throw new BrazeValidationException([.. validation.Errors.Where(e => e.Severity == ValidationSeverity.Error), .. count.Errors]);
        }

        JsonElement profile = default;
        async Task SendAsync()
        {
            using var content = Serialize(static (w, s) => s.request.WriteTo(w, new BrazeWriteContext(s.options)), (request, options: _options.Validation));
            var endpoint = BrazeEndpoints.UsersTrackSync;
            using var response = await Call(endpoint, () => _api.TrackSyncAsync(content, endpoint, cancellationToken), cancellationToken).ConfigureAwait(false);
            var body = EnsureSuccess(endpoint, response, static r => (r.Message, null));
            profile = body.Users.Count > 0 ? body.Users[0].Clone() : default;
        }

        // Read-your-write: after the user's items the tracker queued earlier.
        IEnumerable<UserId?> users = [.. request.Attributes.Select(a => a.User), .. request.Events.Select(e => e.User), .. request.Purchases.Select(p => p.User)];
        await InOrderAsync(users, purge: false, SendAsync, cancellationToken).ConfigureAwait(false);
        return profile;
    }

    /// <inheritdoc />
    public async Task<ScheduleResult> ScheduleAsync(ScheduleRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate(_options.Validation).ThrowIfInvalid();
        using var content = Serialize(static (w, s) => s.request.WriteTo(w, new BrazeWriteContext(s.options.Validation), s.options.UseLegacyCanvasEntryPropertiesName), (request, options: _options));
        var endpoint = BrazeEndpoints.ScheduleCreate(request.Target);
        var response = await Call(endpoint, () => request.Target == ScheduleTarget.Canvas
            ? _api.CreateCanvasScheduleAsync(content, endpoint, cancellationToken)
            : _api.CreateCampaignScheduleAsync(content, endpoint, cancellationToken), cancellationToken).ConfigureAwait(false);
        using (response)
        {
            var body = EnsureSuccess(endpoint, response, static r => (r.Message, r.Errors));
            if (string.IsNullOrEmpty(body.ScheduleId))
            {
                throw new BrazeApiException(endpoint.Path, response.StatusCode, "The answer has no schedule_id.", body.Errors, null, RateLimitInfo.From(response.Headers, _time.GetUtcNow()));
            }

            return new ScheduleResult(new ScheduleId(body.ScheduleId), body.DispatchId);
        }
    }

    /// <inheritdoc />
    public async Task<string?> TriggerSendAsync(TriggerSendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate(_options.Validation).ThrowIfInvalid();
        using var content = Serialize(static (w, s) => s.request.WriteTo(w, new BrazeWriteContext(s.options.Validation), s.options.UseLegacyCanvasEntryPropertiesName), (request, options: _options));
        var endpoint = BrazeEndpoints.TriggerSend(request.Target);
        using var response = await Call(endpoint, () => request.Target == ScheduleTarget.Canvas
            ? _api.SendCanvasAsync(content, endpoint, cancellationToken)
            : _api.SendCampaignAsync(content, endpoint, cancellationToken), cancellationToken).ConfigureAwait(false);
        return EnsureSuccess(endpoint, response, static r => (r.Message, r.Errors)).DispatchId;
    }

    /// <inheritdoc />
    public async Task UpdateScheduleAsync(ScheduleTarget target, string id, ScheduleId scheduleId, Schedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ValidateIds(target, id, scheduleId, schedule);
        using var content = Serialize(static (w, s) => WriteScheduleBody(w, s.target, s.id, s.scheduleId, s.schedule), (target, id, scheduleId, schedule));
        var endpoint = BrazeEndpoints.ScheduleUpdate(target);
        using var response = await Call(endpoint, () => target == ScheduleTarget.Canvas
            ? _api.UpdateCanvasScheduleAsync(content, endpoint, cancellationToken)
            : _api.UpdateCampaignScheduleAsync(content, endpoint, cancellationToken), cancellationToken).ConfigureAwait(false);
        EnsureSuccess(endpoint, response, static r => (r.Message, r.Errors));
    }

    /// <inheritdoc />
    public async Task DeleteScheduleAsync(ScheduleTarget target, string id, ScheduleId scheduleId, CancellationToken cancellationToken = default)
    {
        ValidateIds(target, id, scheduleId, null);
        using var content = Serialize(static (w, s) => WriteScheduleBody(w, s.target, s.id, s.scheduleId, null), (target, id, scheduleId));
        var endpoint = BrazeEndpoints.ScheduleDelete(target);
        using var response = await Call(endpoint, () => target == ScheduleTarget.Canvas
            ? _api.DeleteCanvasScheduleAsync(content, endpoint, cancellationToken)
            : _api.DeleteCampaignScheduleAsync(content, endpoint, cancellationToken), cancellationToken).ConfigureAwait(false);
        EnsureSuccess(endpoint, response, static r => (r.Message, r.Errors));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ScheduledBroadcast>> ListScheduledBroadcastsAsync(DateTimeOffset endTime, CancellationToken cancellationToken = default)
    {
        var endpoint = BrazeEndpoints.ScheduledBroadcasts;
        using var response = await Call(endpoint, () => _api.ListScheduledBroadcastsAsync(BrazeTime.Format(endTime), endpoint, cancellationToken), cancellationToken).ConfigureAwait(false);
        return ToBroadcasts(EnsureSuccess(endpoint, response, static r => (r.Message, null)).ScheduledBroadcasts);
    }

    /// <inheritdoc />
    public Task<UsersExport> ExportUsersAsync(IEnumerable<string> externalIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(externalIds);
        return ExportUsersAsync(new UsersExportRequest(externalIds.Select(UserId.External)), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<UsersExport> ExportUsersAsync(UsersExportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var validation = request.Validate(_options.Validation);
        if (!validation.IsValid)
        {
            throw new BrazeValidationException(validation.Errors);
        }

        using var content = Serialize(static (w, r) => r.WriteTo(w), request);
        var endpoint = BrazeEndpoints.UsersExportIds;
        using var response = await Call(endpoint, () => _api.ExportUsersByIdsAsync(content, endpoint, cancellationToken), cancellationToken).ConfigureAwait(false);
        var body = EnsureSuccess(endpoint, response, static r => (r.Message, null));
        return new UsersExport(body.Users.AsReadOnly(), body.InvalidUserIds?.AsReadOnly() ?? UsersExport.NoIds);
    }

    /// <inheritdoc />
    public async Task<int> CreateAliasesAsync(IEnumerable<NewUserAlias> aliases, CancellationToken cancellationToken = default)
    {
        var items = Items(aliases);
        return (await SendUserOperationAsync(UserOperation.NewAliases(items), () => items.SelectMany(a => new[] { UserId.Alias(a.AliasName, a.AliasLabel), a.ExternalId is { } id ? UserId.External(id) : null }), BrazeEndpoints.UsersAliasNew, _api.NewAliasesAsync, cancellationToken).ConfigureAwait(false)).Body.AliasesProcessed ?? 0;
    }

    /// <inheritdoc />
    public Task UpdateAliasesAsync(IEnumerable<UserAliasUpdate> updates, CancellationToken cancellationToken = default)
    {
        var items = Items(updates);
        return SendUserOperationAsync(UserOperation.UpdateAliases(items), () => items.SelectMany(u => new[] { UserId.Alias(u.OldAliasName, u.AliasLabel), UserId.Alias(u.NewAliasName, u.AliasLabel) }), BrazeEndpoints.UsersAliasUpdate, _api.UpdateAliasesAsync, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<int> IdentifyUsersAsync(IEnumerable<UserIdentification> identifications, MergeBehavior mergeBehavior = MergeBehavior.Merge, CancellationToken cancellationToken = default)
    {
        var items = Items(identifications);
        return (await SendUserOperationAsync(UserOperation.Identify(items, mergeBehavior), () => items.SelectMany(i => new[] { i.User, UserId.External(i.ExternalId) }), BrazeEndpoints.UsersIdentify, _api.IdentifyAsync, cancellationToken).ConfigureAwait(false)).Body.AliasesProcessed ?? 0;
    }

    /// <inheritdoc />
    public async Task<ExternalIdsResult> RenameExternalIdsAsync(IEnumerable<ExternalIdRename> renames, CancellationToken cancellationToken = default)
    {
        var items = Items(renames);
        var (body, _) = await SendUserOperationAsync(UserOperation.Rename(items), () => items.SelectMany(r => new[] { UserId.External(r.CurrentExternalId), UserId.External(r.NewExternalId) }), BrazeEndpoints.UsersExternalIdsRename, _api.RenameExternalIdsAsync, cancellationToken).ConfigureAwait(false);
        return new ExternalIdsResult(body.ExternalIds?.AsReadOnly() ?? UsersExport.NoIds, Texts(body.RenameErrors));
    }

    /// <inheritdoc />
    public async Task<ExternalIdsResult> RemoveExternalIdsAsync(IEnumerable<string> deprecatedExternalIds, CancellationToken cancellationToken = default)
    {
        var items = Items(deprecatedExternalIds);
        var (body, _) = await SendUserOperationAsync(UserOperation.RemoveExternalIds(items), () => items.Select(UserId.External), BrazeEndpoints.UsersExternalIdsRemove, _api.RemoveExternalIdsAsync, cancellationToken).ConfigureAwait(false);
        return new ExternalIdsResult(body.RemovedIds?.AsReadOnly() ?? UsersExport.NoIds, Texts(body.RemovalErrors));
    }

    /// <inheritdoc />
    public Task MergeUsersAsync(IEnumerable<UserMerge> merges, CancellationToken cancellationToken = default)
    {
        var items = Items(merges);
        return SendUserOperationAsync(UserOperation.Merge(items), () => items.SelectMany(m => new[] { m.ToMerge, m.ToKeep }), BrazeEndpoints.UsersMerge, _api.MergeAsync, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DeleteUsersResult> DeleteUsersAsync(IEnumerable<UserId> users, CancellationToken cancellationToken = default)
    {
        var items = Items(users);
        var (body, purged) = await SendUserOperationAsync(UserOperation.Delete(items), () => items, BrazeEndpoints.UsersDelete, _api.DeleteAsync, cancellationToken, purge: true).ConfigureAwait(false);
        return new DeleteUsersResult(body.Deleted ?? 0, purged);
    }

    /// <inheritdoc />
    public Task SetSubscriptionStatusAsync(IEnumerable<SubscriptionStatusUpdate> updates, CancellationToken cancellationToken = default)
    {
        var items = Items(updates);
        return SendUserOperationAsync(UserOperation.SubscriptionStatus(items), () => items.SelectMany(u => u.Users), BrazeEndpoints.SubscriptionStatusSet, _api.SetSubscriptionStatusAsync, cancellationToken);
    }

    /// <summary>
    /// Validates an identity request (nothing is sent when a rule is broken), then sends it through the endpoint's pacer
    /// and retry policy, in order with the tracker's items of <paramref name="users"/> (see <see cref="IUserOperationOrder"/>;
    /// with <paramref name="purge"/> their unsent items are purged instead of waited for). Returns Braze's answer and
    /// how many items were purged.
    /// </summary>
    private async Task<(UserOperationResponse Body, int Purged)> SendUserOperationAsync(
        UserOperation operation,
        Func<IEnumerable<UserId?>> users,
        BrazeEndpoint endpoint,
        Func<HttpContent, BrazeEndpoint, int, CancellationToken, Task<IApiResponse<UserOperationResponse>>> send,
        CancellationToken cancellationToken,
        bool purge = false)
    {
        operation.Validate(_options.Validation).ThrowIfInvalid();
        UserOperationResponse? body = null;
        async Task SendAsync()
        {
            using var content = Serialize(static (w, o) => o.WriteTo(w), operation);
            using var response = await Call(endpoint, () => send(content, endpoint, operation.Count, cancellationToken), cancellationToken).ConfigureAwait(false);
            body = EnsureSuccess(endpoint, response, static r => (r.Message, r.Errors));
        }

        var purged = await InOrderAsync(users(), purge, SendAsync, cancellationToken).ConfigureAwait(false);
        return (body!, purged);
    }

    /// <summary>Runs <paramref name="send"/> in order with the tracker's items of <paramref name="users"/> when a tracker keeps an order, else at once.</summary>
    private async Task<int> InOrderAsync(IEnumerable<UserId?> users, bool purge, Func<Task> send, CancellationToken cancellationToken)
    {
        if (Order is { } order)
        {
            return await order.RunAsync(users.OfType<UserId>().ToHashSet(), purge, send, cancellationToken).ConfigureAwait(false);
        }

        await send().ConfigureAwait(false);
        return 0;
    }

    private static List<T> Items<T>(IEnumerable<T> items)
        => [.. items ?? throw new ArgumentNullException(nameof(items))];

    /// <summary>Per-item errors as text: a string as it is, anything else (Braze documents "arrays") as its JSON.</summary>
    private static IReadOnlyList<string> Texts(List<JsonElement>? errors)
        => errors is null ? UsersExport.NoIds : errors.Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToList().AsReadOnly();

    /// <summary>The wire entries as typed values: a time or type Braze wrote in a form the SDK does not know is left null, never guessed.</summary>
    private static IReadOnlyList<ScheduledBroadcast> ToBroadcasts(List<ScheduledBroadcastBody> entries)
    {
        var list = new List<ScheduledBroadcast>(entries.Count);
        foreach (var e in entries)
        {
            ScheduleTarget? target = e.Type switch
            {
                { } t when t.Equals("Canvas", StringComparison.OrdinalIgnoreCase) => ScheduleTarget.Canvas,
                { } t when t.Equals("Campaign", StringComparison.OrdinalIgnoreCase) => ScheduleTarget.Campaign,
                _ => null,
            };
            DateTimeOffset? next = e.NextSendTime is { } text && BrazeTime.TryParse(text, out var time) ? time : null;
            list.Add(new ScheduledBroadcast(e.Name ?? string.Empty, e.Id ?? string.Empty, target, next, e.ScheduleType ?? string.Empty, e.Tags?.AsReadOnly() ?? UsersExport.NoIds));
        }

        return list.AsReadOnly();
    }

    private static void WriteScheduleBody(Utf8JsonWriter writer, ScheduleTarget target, string id, ScheduleId scheduleId, Schedule? schedule)
    {
        writer.WriteStartObject();
        writer.WriteString(target.IdField(), id);
        writer.WriteString("schedule_id", scheduleId.Value);
        if (schedule is not null)
        {
            writer.WritePropertyName("schedule");
            schedule.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private void ValidateIds(ScheduleTarget target, string id, ScheduleId scheduleId, Schedule? schedule)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        var context = new ValidationContext(_options.Validation);
        var idField = target.IdField();
        context.Push(idField);
        BrazeRules.IdentifierValue(context, id, idField);
        context.Pop();
        context.Push("schedule_id");
        BrazeRules.IdentifierValue(context, scheduleId.Value, "schedule_id");
        context.Pop();
        if (schedule is not null)
        {
            context.Push("schedule");
            schedule.Validate(context);
            context.Pop();
        }

        if (context.HasErrors)
        {
            throw new BrazeValidationException([.. context.Errors]);
        }
    }

    private async Task<ChunkOutcome> SendChunkAsync(TrackChunker chunker, TrackObjectRange range, CancellationToken cancellationToken)
    {
        var endpoint = BrazeEndpoints.UsersTrack;
        var (array, length) = chunker.BuildBody(range);
        try
        {
            using var content = new ByteArrayContent(array, 0, length);
            content.Headers.ContentType = s_json;
            IApiResponse<TrackResponse> response;
            try
            {
                response = await _api.TrackAsync(content, endpoint, range.Count, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
            {
                var failure = NoResponse(endpoint, ex);
                Log.TrackFailed(_logger, range.Count, failure.Message, failure);
                return new ChunkOutcome(null, [], new TrackFailure(range, failure));
            }

            using (response)
            {
                if (!response.IsReceived)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var failure = NoResponse(endpoint, response.Error);
                    Log.TrackFailed(_logger, range.Count, failure.Message, failure);
                    return new ChunkOutcome(null, [], new TrackFailure(range, failure));
                }

                if (response.IsSuccessStatusCode && response.Content is { } body)
                {
                    var errors = MapErrors(body.Errors, range);
                    if (errors.Count > 0)
                    {
                        Log.MinorErrors(_logger, errors.Count);
                    }

                    return new ChunkOutcome(body, errors, null);
                }

                var exception = ToException(endpoint, response);
                Log.TrackFailed(_logger, range.Count, exception.Message, exception);
                return new ChunkOutcome(null, [], new TrackFailure(range, exception));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private static List<TrackError> MapErrors(List<JsonElement>? errors, TrackObjectRange range)
    {
        var mapped = new List<TrackError>();
        if (errors is null)
        {
            return mapped;
        }

        foreach (var e in errors)
        {
            TrackArray? array = null;
            int? index = null;
            var message = e.ValueKind == JsonValueKind.String ? e.GetString() ?? string.Empty : e.GetRawText();
            if (e.ValueKind == JsonValueKind.Object)
            {
                if (e.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
                {
                    message = type.GetString() ?? message;
                }
                else if (e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString() ?? message;
                }

                if (e.TryGetProperty("input_array", out var a) && a.ValueKind == JsonValueKind.String && TrackArrays.TryParse(a.GetString(), out var named)
                    && e.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var n)
                    && range.ToCallerIndex(named, n) is { } callerIndex)
                {
                    array = named;
                    index = callerIndex;
                }
            }

            mapped.Add(new TrackError(array, index, message, e.Clone(), range));
        }

        return mapped;
    }

    private static async Task<T> Call<T>(BrazeEndpoint endpoint, Func<Task<T>> call, CancellationToken cancellationToken)
        where T : IApiResponse
    {
        // Each call is an operation span (its HTTP attempts are braze.send spans below it); /users/track chunks belong
        // to the braze.track span of TrackAsync, or to the tracker's braze.batch.
        using var activity = endpoint == BrazeEndpoints.UsersTrack ? null : BrazeTelemetry.StartOperation(OperationName(endpoint), endpoint);
        T response;
        try
        {
            response = await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
        {
            var failure = NoResponse(endpoint, ex);
            BrazeTelemetry.Fail(activity, failure);
            throw failure;
        }

        if (!response.IsReceived)
        {
            var error = response.Error;
            response.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            var failure = NoResponse(endpoint, error);
            BrazeTelemetry.Fail(activity, failure);
            throw failure;
        }

        if (!response.IsSuccessStatusCode)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
        }

        return response;
    }

    /// <summary>The span name of a call: what it does, not its path (which is a tag).</summary>
    private static string OperationName(BrazeEndpoint endpoint) => endpoint.Path switch
    {
        var p when p.EndsWith("/trigger/send", StringComparison.Ordinal) => "braze.trigger_send",
        var p when p.Contains("/schedule/", StringComparison.Ordinal) || p.StartsWith("/messages/", StringComparison.Ordinal) => "braze.schedule",
        var p when p.StartsWith("/users/export", StringComparison.Ordinal) => "braze.export",
        "/users/track/sync" => "braze.track",
        _ => "braze.users",
    };

    /// <summary>
    /// The failure of a request that got no answer, classified by what reached Braze. The cause is described, never
    /// kept: Refit's and HttpClient's exceptions can reach the request message and so the API key.
    /// </summary>
    private static BrazeApiException NoResponse(BrazeEndpoint endpoint, Exception? ex)
    {
        var failure = TransportFailure.Of(ex);
        return new(endpoint.Path, null, failure.Describe(), null, null, null, innerException: null, outcomeUnknown: !failure.NothingSent);
    }

    private T EnsureSuccess<T>(BrazeEndpoint endpoint, IApiResponse<T> response, Func<T, (string? Message, List<JsonElement>? Errors)> describe)
        where T : class
    {
        if (response.IsSuccessStatusCode && response.Content is { } body)
        {
            var (message, errors) = describe(body);
            if (message is null || string.Equals(message, "success", StringComparison.OrdinalIgnoreCase) || errors is not { Count: > 0 })
            {
                return body;
            }
        }

        throw ToException(endpoint, response);
    }

    private BrazeApiException ToException<T>(BrazeEndpoint endpoint, IApiResponse<T> response)
    {
        var raw = (response.Error as ApiException)?.Content;
        string? message = null;
        List<JsonElement>? errors = null;
        if (!string.IsNullOrEmpty(raw))
        {
            try
            {
                var body = JsonSerializer.Deserialize(raw, BrazeJsonContext.Default.MessageResponse);
                message = body?.Message;
                errors = body?.Errors?.Select(e => e.Clone()).ToList();
            }
            catch (JsonException)
            {
                message = raw.Length > 500 ? raw[..500] : raw;
            }
        }

        if (response.StatusCode is { } status && (int)status is >= 300 and < 400)
        {
            // Redirects are never followed: the body (emails, phones) must not go to another host.
            var location = response.Headers?.Location?.ToString() ?? "none";
            message = $"Braze answered {(int)status} {status} (Location: {location}); the SDK does not follow redirects, so nothing was applied. Check Braze:BaseUrl.";
        }

        // Status, message, errors, body and rate-limit headers are copied; Refit's exception is not kept (it holds the request and its key).
        return new BrazeApiException(endpoint.Path, response.StatusCode, message ?? response.ReasonPhrase, errors, raw, RateLimitInfo.From(response.Headers, _time.GetUtcNow()));
    }

    private static bool IsTransportFailure(Exception ex, CancellationToken cancellationToken)
        => !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && ex is not BrazeValidationException;

    private static ByteArrayContent Serialize<TState>(Action<Utf8JsonWriter, TState> write, TState state)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, BrazeJson.WriterOptions))
        {
            write(writer, state);
        }

        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = s_json;
        return content;
    }

    private readonly record struct ChunkOutcome(TrackResponse? Response, List<TrackError> Errors, TrackFailure? Failure);
}
