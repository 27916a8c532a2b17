using System.Collections.Concurrent;
using Braze.Delivery;
using Braze.Sending;
using Braze.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Braze;

/// <summary>
/// The background tracker: admits validated, serialized items (<see cref="TrackAdmission"/>) into a bounded queue
/// (<see cref="BatchQueue"/>), stores them durably first when it has an outbox (<see cref="OutboxAppender"/>, one
/// commit for many callers), sends batches of them, several in flight, through the sending layer
/// (<see cref="ITrackSender"/>: the same HTTP pipeline as the client, never a second one), and settles each item from
/// Braze's answer (<see cref="BatchDelivery"/>: delivered, dead-lettered, or deferred to a later attempt) through the
/// <see cref="CompletionLedger"/>. Items an earlier run left in the outbox are claimed as places free up. Registered
/// by <c>AddBraze</c> and started and stopped with the host; without a host it starts on first use and drains on
/// <see cref="DisposeAsync"/>.
/// </summary>
internal sealed partial class BrazeTracker : IBrazeTracker, IHostedService, IAsyncDisposable, IDisposable
{
    // Items claimed from the outbox per read: enough to fill batches, few enough to leave places to new callers.
    private const int ClaimPage = 1000;

    private readonly BrazeOptions _options;
    private readonly BrazeTrackerOptions _tracker;
    private readonly Func<IBrazeOutbox>? _outboxFactory;
    private readonly ILogger _logger;
    private readonly BrazeMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly TrackAdmission _admission;
    private readonly BatchQueue _queue;
    private readonly CompletionLedger _ledger;
    private readonly DeferredItems _deferred;
    private readonly BatchDelivery _delivery;
    private readonly UserLanes _lanes;
    private readonly ITrackSender _sender;
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _claimGate = new(1, 1);
    private readonly CancellationTokenSource _sendCts = new();
    private readonly object _startGate = new();
    private readonly TaskCompletionSource _firstClaim = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private OutboxAppender? _appender;
    private OutboxStats? _outboxStats;
    private long _sequence;
    private int _sending;
    private Task? _loop;
    private Task? _claims;
    private Task? _stopping;
    private volatile bool _accepting = true;

    /// <summary>Creates a tracker that sends through <paramref name="sender"/> and keeps items in the outbox <paramref name="outboxFactory"/> opens (none when null).</summary>
    public BrazeTracker(ITrackSender sender, BrazeOptions options, Func<IBrazeOutbox>? outboxFactory = null, ILogger<BrazeTracker>? logger = null, BrazeMetrics? metrics = null, TimeProvider? timeProvider = null)
    {
        _sender = sender ?? throw new ArgumentNullException(nameof(sender));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _tracker = options.Tracker;
        _outboxFactory = outboxFactory;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = metrics;
        _time = timeProvider ?? TimeProvider.System;
        _admission = new TrackAdmission(options.Validation, metrics, _logger);
        _queue = new BatchQueue(_tracker.MaxQueueSize, _time);
        _ledger = new CompletionLedger(_queue.Release, metrics, _logger);
        _deferred = new DeferredItems(_time, Requeue);
        _delivery = new BatchDelivery(sender, _ledger, _deferred, Requeue, _tracker, _time, _logger, metrics);
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentRequests));
        _lanes = new UserLanes(_ledger, () => Interlocked.Increment(ref _sequence), item => _queue.TryEnqueue(item), _claimGate, _time, _logger, metrics);
        sender.Order = _lanes; // the client's identity operations keep their order with this tracker's items
        metrics?.ObserveOutbox(() => _outboxStats is { } s ? (s.Count, s.OldestEnqueuedAt, s.DeadLetters) : null);
    }

    /// <inheritdoc />
    public int PendingCount => _ledger.Count;

    /// <summary>When the oldest pending item was first accepted (null: none pending).</summary>
    internal DateTimeOffset? OldestPendingAt => _ledger.OldestEnqueuedAt();

    /// <summary>Items waiting for a later attempt after their request failed for a reason not theirs.</summary>
    internal int DeferredCount => _deferred.Count;

    /// <summary>Until when delivery is paused by a 401 or 403 (null: not paused).</summary>
    internal DateTimeOffset? PausedUntil => _delivery.PausedUntil;

    /// <summary>The outbox now (null without one, or before the tracker started).</summary>
    internal async Task<OutboxStats?> GetOutboxStatsAsync(CancellationToken cancellationToken = default)
        => _ledger.Outbox is { } outbox ? _outboxStats = await outbox.GetStatsAsync(cancellationToken).ConfigureAwait(false) : null;

    /// <inheritdoc />
    public TrackHandle Track(TrackEvent trackEvent) => Accept(TrackArray.Events, _admission.Admit(trackEvent), trackEvent.User);

    /// <inheritdoc />
    public TrackHandle Track(Purchase purchase) => Accept(TrackArray.Purchases, _admission.Admit(purchase), purchase.User);

    /// <inheritdoc />
    public TrackHandle Track(AttributesUpdate attributes) => Accept(TrackArray.Attributes, _admission.Admit(attributes), attributes.User);

    /// <inheritdoc />
    public IReadOnlyList<TrackHandle> Track(TrackRequest request)
    {
        var items = Admit(request);
        var accepted = AcceptAllAsync(items, blocking: true, CancellationToken.None);
        // Blocking by contract (like every Track): the wait above is synchronous, so this task has already completed.
        return accepted.IsCompleted ? accepted.GetAwaiter().GetResult() : accepted.AsTask().GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    public ValueTask<TrackHandle> EnqueueAsync(TrackEvent trackEvent, CancellationToken cancellationToken = default)
        => AcceptAsync(TrackArray.Events, _admission.Admit(trackEvent), trackEvent.User, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TrackHandle> EnqueueAsync(Purchase purchase, CancellationToken cancellationToken = default)
        => AcceptAsync(TrackArray.Purchases, _admission.Admit(purchase), purchase.User, cancellationToken);

    /// <inheritdoc />
    public ValueTask<TrackHandle> EnqueueAsync(AttributesUpdate attributes, CancellationToken cancellationToken = default)
        => AcceptAsync(TrackArray.Attributes, _admission.Admit(attributes), attributes.User, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<TrackHandle>> EnqueueAsync(TrackRequest request, CancellationToken cancellationToken = default)
        => AcceptAllAsync(Admit(request), blocking: false, cancellationToken);

    /// <inheritdoc />
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        await _firstClaim.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        // Every item accepted by now gets its attempt, deferred ones included; the flush returns when each attempt ended
        // (delivered, rejected, or deferred again because Braze is still failing: a flush never waits out an outage).
        // An item whose Track is still waiting for a place was not accepted yet, and is not waited for.
        var waiting = _ledger.Snapshot().Where(i => i.HoldsPlace).Select(i => i.GetAttemptTask()).ToList();
        foreach (var held in _lanes.Held())
        {
            held.EndAttempt(); // its attempt comes after its user's identity operation, which a flush does not wait for
        }

        _deferred.ReleaseAll();
        _queue.RequestFlush(Interlocked.Read(ref _sequence));
        await Task.WhenAll(waiting).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues an object that arrives as JSON (the <c>braze import</c> tool): the caller checked it with the JSON face's
    /// validator (the same rules), and it goes as it is, waiting asynchronously for room like <c>EnqueueAsync</c>.
    /// </summary>
    internal ValueTask<TrackHandle> EnqueueJsonAsync(TrackArray array, byte[] payload, UserId? user, CancellationToken cancellationToken = default)
        => AcceptAsync(array, payload ?? throw new ArgumentNullException(nameof(payload)), user, cancellationToken);

    // Identity operations go through the client, which keeps them in this tracker's order (_lanes): one path for both.

    /// <inheritdoc />
    public Task<int> CreateAliasesAsync(IEnumerable<NewUserAlias> aliases, CancellationToken cancellationToken = default)
        => _sender.Client.CreateAliasesAsync(aliases, cancellationToken);

    /// <inheritdoc />
    public Task<int> IdentifyUsersAsync(IEnumerable<UserIdentification> identifications, MergeBehavior mergeBehavior = MergeBehavior.Merge, CancellationToken cancellationToken = default)
        => _sender.Client.IdentifyUsersAsync(identifications, mergeBehavior, cancellationToken);

    /// <inheritdoc />
    public Task<ExternalIdsResult> RenameExternalIdsAsync(IEnumerable<ExternalIdRename> renames, CancellationToken cancellationToken = default)
        => _sender.Client.RenameExternalIdsAsync(renames, cancellationToken);

    /// <inheritdoc />
    public Task MergeUsersAsync(IEnumerable<UserMerge> merges, CancellationToken cancellationToken = default)
        => _sender.Client.MergeUsersAsync(merges, cancellationToken);

    /// <inheritdoc />
    public async Task<DeleteUsersResult> DeleteUsersAsync(IEnumerable<UserId> users, CancellationToken cancellationToken = default)
    {
        EnsureStarted(); // the outbox is open, so what it stores for them is purged too
        await _firstClaim.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await _sender.Client.DeleteUsersAsync(users, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the outbox, claims a first page of what an earlier run left in it (pending, and flushable, once this
    /// returns), and starts the sending loop. Called by the host; otherwise on first use.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        return _firstClaim.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Stops accepting items and delivers what is queued, within <see cref="BrazeTrackerOptions.ShutdownTimeout"/> (or
    /// until <paramref name="cancellationToken"/> fires). What is still undelivered then stays in the outbox, or without
    /// one is reported: an error log with the count, the dropped metric, and failed handles. Never silently lost.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_startGate)
        {
            _stopping ??= StopCoreAsync(cancellationToken);
            return _stopping;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // _sendCts is not disposed: it has no timer, and a late continuation of the loop may still read its token.
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Stops like <see cref="DisposeAsync"/>, blocking the calling thread (at most the shutdown timeout).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Every object of a request as it will be sent, validated together first: one invalid object refuses them all.</summary>
    private List<(TrackArray Array, byte[] Payload, UserId? User)> Admit(TrackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var validation = request.Validate(_options.Validation);
        if (!validation.IsValid)
        {
            _metrics?.ObjectsRejected.Add(request.Count);
            throw new BrazeValidationException(validation.Errors);
        }

        var items = new List<(TrackArray, byte[], UserId?)>(request.Count);
        items.AddRange(request.Attributes.Select(a => (TrackArray.Attributes, _admission.Admit(a), a.User)));
        items.AddRange(request.Events.Select(e => (TrackArray.Events, _admission.Admit(e), e.User)));
        items.AddRange(request.Purchases.Select(p => (TrackArray.Purchases, _admission.Admit(p), p.User)));
        return items;
    }

    /// <summary>Accepts an admitted item on the caller's thread, waiting there for a place when the queue is full (policy Wait) and for its commit.</summary>
    private TrackHandle Accept(TrackArray array, byte[] payload, UserId? user)
    {
        var item = Begin(array, payload, user);
        try
        {
            if (!_queue.TryReserve() && !WaitForPlace())
            {
                throw Stopping();
            }

            item.HoldsPlace = true;
            _appender?.AppendAsync([item]).GetAwaiter().GetResult();
            return Commit(item);
        }
        catch (Exception ex)
        {
            _ledger.WithdrawAsync([item], ex).AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Accepts an admitted item, waiting asynchronously for a place when the queue is full (policy Wait) and for its commit.</summary>
    private async ValueTask<TrackHandle> AcceptAsync(TrackArray array, byte[] payload, UserId? user, CancellationToken cancellationToken)
    {
        var item = Begin(array, payload, user);
        try
        {
            if (!_queue.TryReserve() && !await WaitForPlaceAsync(cancellationToken).ConfigureAwait(false))
            {
                throw Stopping();
            }

            item.HoldsPlace = true;
            if (_appender is { } appender)
            {
                await appender.AppendAsync([item]).ConfigureAwait(false);
            }

            return Commit(item);
        }
        catch (Exception ex)
        {
            await _ledger.WithdrawAsync([item], ex).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Accepts every item or none: places for all of them first, then one durable write, then the queue. A failure or a
    /// cancellation on the way withdraws them all.
    /// </summary>
    private async ValueTask<IReadOnlyList<TrackHandle>> AcceptAllAsync(List<(TrackArray Array, byte[] Payload, UserId? User)> admitted, bool blocking, CancellationToken cancellationToken)
    {
        if (admitted.Count > _tracker.MaxQueueSize)
        {
            throw new ArgumentException($"The request holds {admitted.Count} objects; the tracker's queue holds at most {_tracker.MaxQueueSize} (Braze:Tracker:MaxQueueSize). Send it with IBrazeClient.TrackAsync, or in parts.", "request");
        }

        var items = new List<TrackedItem>(admitted.Count);
        foreach (var (array, payload, user) in admitted)
        {
            items.Add(Begin(array, payload, user));
        }

        try
        {
            foreach (var item in items)
            {
                var held = _queue.TryReserve() || (blocking ? WaitForPlace() : await WaitForPlaceAsync(cancellationToken).ConfigureAwait(false));
                if (!held)
                {
                    throw Stopping();
                }

                item.HoldsPlace = true;
            }

            if (_appender is { } appender)
            {
                var durable = appender.AppendAsync(items);
                if (blocking)
                {
                    durable.GetAwaiter().GetResult();
                }
                else
                {
                    await durable.ConfigureAwait(false);
                }
            }

            var handles = new TrackHandle[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                handles[i] = Commit(items[i]);
            }

            return handles;
        }
        catch (Exception ex)
        {
            // Items already queued when the queue closed mid-way are completed by the shutdown; the rest are withdrawn.
            await _ledger.WithdrawAsync(items, ex).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Records a new item as pending before it takes a place in the queue.</summary>
    private TrackedItem Begin(TrackArray array, byte[] payload, UserId? user)
    {
        if (!_accepting)
        {
            throw Stopping();
        }

        EnsureStarted();
        var item = new TrackedItem(Interlocked.Increment(ref _sequence), array, payload, _time.GetUtcNow(), user)
        {
            Caller = BrazeTelemetry.Source.HasListeners() ? System.Diagnostics.Activity.Current : null,
        };
        _ledger.Add(item);
        return item;
    }

    /// <summary>The queue is full: fails under <see cref="QueueOverflowPolicy.Fail"/>, else waits on this thread for a place (false: stopping).</summary>
    private bool WaitForPlace()
    {
        ThrowIfFailOnOverflow();
        return _queue.Reserve(CancellationToken.None);
    }

    /// <summary>The queue is full: fails under <see cref="QueueOverflowPolicy.Fail"/>, else waits asynchronously for a place (false: stopping).</summary>
    private ValueTask<bool> WaitForPlaceAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailOnOverflow();
        return _queue.ReserveAsync(cancellationToken);
    }

    private void ThrowIfFailOnOverflow()
    {
        if (_tracker.OverflowPolicy == QueueOverflowPolicy.Fail)
        {
            throw new BrazeQueueFullException();
        }
    }

    /// <summary>Queues an accepted item, or holds it behind an identity operation of its user that came before it.</summary>
    private TrackHandle Commit(TrackedItem item) => _lanes.TryHold(item) || _queue.TryEnqueue(item) ? new TrackHandle(item) : throw Stopping();

    /// <summary>Deferred items whose time came (or a flush released them) go back in the queue, in their places.</summary>
    private void Requeue(List<TrackedItem> items)
    {
        foreach (var item in items)
        {
            // After the queue closed the shutdown completes them (kept in the outbox, or reported).
            _queue.TryEnqueue(item);
        }
    }

    private static ObjectDisposedException Stopping() => new(nameof(BrazeTracker), "The Braze tracker is stopping and accepts no more items.");

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _accepting = false;
        if (ReferenceEquals(_sender.Order, _lanes))
        {
            _sender.Order = null; // identity operations no longer wait for a tracker that stopped
        }

        var kept = _ledger.Outbox is not null;
        if (kept)
        {
            _deferred.Clear(); // their rows keep the next attempt time for the next start
        }
        else
        {
            _deferred.ReleaseAll(); // without an outbox, one last attempt before the deadline
        }

        _queue.Close();
        if (_loop is { } loop)
        {
            _queue.RequestFlush(long.MaxValue);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_tracker.ShutdownTimeout);
            try
            {
                await loop.WaitAsync(deadline.Token).ConfigureAwait(false);
                await Task.WhenAll(_inFlight.Keys).WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Deadline: abort what is in flight; the leftovers are handled below.
            }
            catch (Exception ex)
            {
                LogLoopError(_logger, ex);
            }

            await _sendCts.CancelAsync().ConfigureAwait(false);
            if (_claims is { } claims)
            {
                await claims.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        // Items not delivered by now are still pending in the ledger: kept in the outbox, or reported.
        _deferred.Clear();
        _delivery.Dispose();
        _queue.DrainUnsent();
        var undelivered = 0;
        foreach (var item in _ledger.Snapshot())
        {
            var reason = kept
                ? "The tracker stopped before Braze accepted the item; it is kept in the outbox and sent on the next start."
                : "The tracker stopped before Braze accepted the item; without an outbox it is not kept.";
            if (_ledger.Abandon(item, new BrazeDeliveryException(reason, null, keptInOutbox: kept)))
            {
                undelivered++;
            }
        }

        if (undelivered > 0)
        {
            if (kept)
            {
                LogKeptInOutbox(_logger, undelivered);
            }
            else
            {
                _metrics?.ObjectsDropped.Add(undelivered);
                LogUndelivered(_logger, undelivered);
            }
        }

        _appender?.Dispose();
        if (_ledger.Outbox is { } outbox)
        {
            await outbox.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void EnsureStarted()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_startGate)
        {
            if (_loop is not null || _stopping is not null)
            {
                return;
            }

            if (_outboxFactory is not null)
            {
                // Opened here, so a file in use or damaged stops the start with an error naming it.
                var outbox = _outboxFactory();
                _ledger.Outbox = outbox;
                _appender = new OutboxAppender(outbox);
                _claims = Task.Run(ClaimAsync);
            }

            else
            {
                _firstClaim.TrySetResult();
            }

            _loop = Task.Run(RunAsync);
        }
    }

    /// <summary>
    /// Claims what an earlier run left in the outbox (or what was replayed from its dead letters), as places free up:
    /// a backlog larger than the queue goes on in the same run. Looks again every half minute once it is drained.
    /// </summary>
    private async Task ClaimAsync()
    {
        while (!_sendCts.IsCancellationRequested)
        {
            try
            {
                await ClaimLoopAsync().ConfigureAwait(false);
                break;
            }
            catch (Exception ex) when (!_sendCts.IsCancellationRequested)
            {
                // The loop survives anything: what it did not claim stays in the outbox for the next look.
                LogClaimFailed(_logger, ex);
                _firstClaim.TrySetResult();
                await Task.Delay(_tracker.OutboxClaimInterval, _time, _sendCts.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception)
            {
                break;
            }
        }

        _firstClaim.TrySetResult(); // a start or flush never waits on a claim loop that ended
    }

    private async Task ClaimLoopAsync()
    {
        var token = _sendCts.Token;
        var outbox = _ledger.Outbox!;
        var claimed = 0;
        while (!token.IsCancellationRequested)
        {
            int places;
            try
            {
                if (!await _queue.ReserveAsync(token).ConfigureAwait(false))
                {
                    return; // closed
                }

                places = 1;
                while (places < ClaimPage && _queue.TryReserve())
                {
                    places++;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            IReadOnlyList<OutboxItem> rows;
            // A deletion purging the outbox waits for a claim in progress: a row is in the outbox or in the ledger, never in between.
            try
            {
                await _claimGate.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _queue.Release(places);
                return;
            }

            try
            {
                rows = await outbox.ClaimAsync(places, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                _claimGate.Release();
                _queue.Release(places);
                _firstClaim.TrySetResult();
                LogClaimFailed(_logger, ex);
                await Task.Delay(_tracker.OutboxClaimInterval, _time, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            catch (OperationCanceledException)
            {
                _claimGate.Release();
                _queue.Release(places);
                return;
            }

            _queue.Release(places - rows.Count);
            var now = _time.GetUtcNow();
            try
            {
                Schedule(rows, now);
            }
            finally
            {
                _claimGate.Release();
                _firstClaim.TrySetResult();
            }

            claimed += rows.Count;
            if (rows.Count < places)
            {
                if (claimed > 0)
                {
                    LogReplayed(_logger, claimed);
                    claimed = 0;
                }

                await RefreshOutboxStatsAsync(outbox, token).ConfigureAwait(false);
                await Task.Delay(_tracker.OutboxClaimInterval, _time, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Claimed rows (oldest first) become pending items in their places: queued now, or when their next attempt is due.
    /// A row of a user whose earlier row waits for a later attempt waits as long, so that it does not overtake it.
    /// </summary>
    private void Schedule(IReadOnlyList<OutboxItem> rows, DateTimeOffset now)
    {
        var later = new Dictionary<DateTimeOffset, List<TrackedItem>>();
        var notBefore = default(Dictionary<string, DateTimeOffset>);
        foreach (var row in rows)
        {
            var item = new TrackedItem(Interlocked.Increment(ref _sequence), row.Array, row.Payload, row.EnqueuedAt, UserId.FromKey(row.UserKey))
            {
                OutboxId = row.Id,
                Attempts = row.Attempts,
                HoldsPlace = true,
                FromOutbox = true, // never held behind an operation: older than all of them, they wait for it (or purge it)
            };
            _ledger.Add(item);
            if (_lanes.PurgesOnClaim(item))
            {
                continue; // its user is being deleted
            }

            var due = row.NextAttemptAt;
            if (row.UserKey is { } key)
            {
                if (notBefore?.TryGetValue(key, out var earlier) == true && (due is null || earlier > due))
                {
                    due = earlier;
                }

                if (due is { } wait && wait > now)
                {
                    (notBefore ??= new(StringComparer.Ordinal))[key] = wait;
                }
            }

            if (due is { } next && next > now)
            {
                // Rows of one failed request share their next attempt time: one timer for them all.
                (later.TryGetValue(next, out var group) ? group : later[next] = []).Add(item);
            }
            else
            {
                _queue.TryEnqueue(item);
            }
        }

        foreach (var (next, items) in later)
        {
            _deferred.Schedule(items, next - now);
        }
    }

    private async Task RefreshOutboxStatsAsync(IBrazeOutbox outbox, CancellationToken token)
    {
        try
        {
            _outboxStats = await outbox.GetStatsAsync(token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogClaimFailed(_logger, ex);
        }
    }

    private async Task RunAsync()
    {
        var max = _options.Validation.ObjectLimitScope == ObjectLimitScope.PerArray
            ? _options.Validation.MaxObjectsPerRequest * 3
            : _options.Validation.MaxObjectsPerRequest;
        var batch = new List<TrackedItem>(max);
        while (true)
        {
            try
            {
                batch.Clear();
                if (!await _queue.ReadBatchAsync(batch, max, _tracker.Linger, _tracker.FlushInterval, () => Volatile.Read(ref _sending) > 0, _sendCts.Token).ConfigureAwait(false))
                {
                    return; // closed and drained
                }

                // An item a deletion of its user purged while it waited in the queue is already completed: dropped here.
                batch.RemoveAll(static item => !item.TryTakeForSending());
                if (batch.Count == 0)
                {
                    continue;
                }

                if (_delivery.TryHold([.. batch], out var probe))
                {
                    continue; // 401/403: no request until the pause ends
                }

                await _slots.WaitAsync(_sendCts.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _sending);
                var send = SendBatchAsync([.. batch], probe);
                _inFlight[send] = 0;
                _ = send.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
            }
            catch (Exception) when (_sendCts.IsCancellationRequested)
            {
                return; // stopped: StopCoreAsync reports what is left
            }
            catch (Exception ex)
            {
                // The loop survives anything: the batch is kept for a later attempt, and sending goes on.
                LogLoopError(_logger, ex);
                await _delivery.DeferAsync([.. batch], ex).ConfigureAwait(false);
            }
        }
    }

    private async Task SendBatchAsync(List<TrackedItem> batch, bool probe)
    {
        using var activity = StartBatchActivity(batch);
        try
        {
            await _delivery.DeliverAsync(batch, probe, _sendCts.Token).ConfigureAwait(false);
            activity?.SetTag("braze.delivered", batch.Count(i => i.IsCompleted));
        }
        catch (OperationCanceledException) when (_sendCts.IsCancellationRequested)
        {
            // Shutdown deadline: StopCoreAsync reports what is left.
        }
        catch (Exception ex)
        {
            LogLoopError(_logger, ex);
            await _delivery.DeferAsync(batch.Where(i => !i.IsCompleted).ToList(), ex).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
            Interlocked.Decrement(ref _sending);
            _queue.Nudge(); // the pipe may be idle now: a partial batch waiting for it can go
        }
    }

    /// <summary>
    /// The span of one batch (null when nobody listens): a root of its own, since it carries many callers' items,
    /// linked to the span each of them tracked its item in.
    /// </summary>
    private static System.Diagnostics.Activity? StartBatchActivity(List<TrackedItem> batch)
    {
        if (!BrazeTelemetry.Source.HasListeners())
        {
            return null;
        }

        var links = new List<System.Diagnostics.ActivityLink>();
        var seen = new HashSet<System.Diagnostics.ActivitySpanId>();
        foreach (var item in batch)
        {
            if (item.Caller is { } caller && seen.Add(caller.SpanId))
            {
                links.Add(new System.Diagnostics.ActivityLink(caller.Context));
            }
        }

        // A root: whatever span flowed into the sending loop (the first caller's, when the tracker started on first use) is not its parent.
        System.Diagnostics.Activity.Current = null;
        var activity = BrazeTelemetry.Source.StartActivity("braze.batch", System.Diagnostics.ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag("braze.endpoint", BrazeEndpoints.UsersTrack.Path);
        activity?.SetTag("braze.objects", batch.Count);
        activity?.SetTag("braze.retried_objects", batch.Count(i => i.Attempts > 0));
        return activity;
    }

    [LoggerMessage(20, LogLevel.Error, "The Braze tracker hit an error; the affected items are kept for a later attempt and sending goes on")]
    private static partial void LogLoopError(ILogger logger, Exception exception);

    [LoggerMessage(21, LogLevel.Error, "The Braze tracker stopped with {Count} undelivered item(s) and no outbox; their handles are failed")]
    private static partial void LogUndelivered(ILogger logger, int count);

    [LoggerMessage(22, LogLevel.Warning, "The Braze tracker stopped with {Count} undelivered item(s); they are kept in the outbox for the next start")]
    private static partial void LogKeptInOutbox(ILogger logger, int count);

    [LoggerMessage(23, LogLevel.Information, "The Braze tracker claimed {Count} item(s) from its outbox")]
    private static partial void LogReplayed(ILogger logger, int count);

    [LoggerMessage(25, LogLevel.Error, "The Braze tracker could not read its outbox; it tries again in half a minute")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);
}
