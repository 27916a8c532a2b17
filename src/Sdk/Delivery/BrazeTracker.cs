using System.Collections.Concurrent;
using Braze.Delivery;
using Braze.Sending;
using Braze.Transport;
using Braze.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Braze;

/// <summary>
/// The background tracker: admits validated, serialized items (<see cref="TrackAdmission"/>) into a bounded queue
/// (<see cref="BatchQueue"/>), sends batches of them, several in flight, through the sending layer
/// (<see cref="ITrackSender"/>: the same HTTP pipeline as the client, never a second one), and completes each item's
/// handle through the <see cref="CompletionLedger"/>, which also keeps the optional outbox. Registered by
/// <c>AddBraze</c> and started and stopped with the host; without a host it starts on first use and drains on
/// <see cref="DisposeAsync"/>.
/// </summary>
internal sealed partial class BrazeTracker : IBrazeTracker, IHostedService, IAsyncDisposable, IDisposable
{
    private readonly ITrackSender _sender;
    private readonly BrazeOptions _options;
    private readonly BrazeTrackerOptions _tracker;
    private readonly Func<ITrackOutbox>? _outboxFactory;
    private readonly ILogger _logger;
    private readonly BrazeMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly TrackAdmission _admission;
    private readonly BatchQueue _queue;
    private readonly CompletionLedger _ledger;
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _sendCts = new();
    private readonly object _startGate = new();
    private long _sequence;
    private int _sending;
    private Task? _loop;
    private Task? _stopping;
    private volatile bool _accepting = true;

    /// <summary>Creates a tracker that sends through <paramref name="sender"/> and keeps items in the outbox <paramref name="outboxFactory"/> opens (none when null).</summary>
    public BrazeTracker(ITrackSender sender, BrazeOptions options, Func<ITrackOutbox>? outboxFactory = null, ILogger<BrazeTracker>? logger = null, BrazeMetrics? metrics = null, TimeProvider? timeProvider = null)
    {
        _sender = sender ?? throw new ArgumentNullException(nameof(sender));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _tracker = options.Tracker;
        _outboxFactory = outboxFactory;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = metrics;
        _time = timeProvider ?? TimeProvider.System;
        _admission = new TrackAdmission(options.Validation, metrics);
        _queue = new BatchQueue(_tracker.MaxQueueSize, _time);
        _ledger = new CompletionLedger(metrics, _logger);
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentRequests));
    }

    /// <inheritdoc />
    public int PendingCount => _ledger.Count;

    /// <summary>Items stored in the outbox (0 without one).</summary>
    public long OutboxCount => _ledger.OutboxCount();

    /// <inheritdoc />
    public TrackHandle Track(TrackEvent trackEvent) => Accept(TrackArray.Events, _admission.Admit(trackEvent));

    /// <inheritdoc />
    public TrackHandle Track(Purchase purchase) => Accept(TrackArray.Purchases, _admission.Admit(purchase));

    /// <inheritdoc />
    public TrackHandle Track(AttributesUpdate attributes) => Accept(TrackArray.Attributes, _admission.Admit(attributes));

    /// <inheritdoc />
    public IReadOnlyList<TrackHandle> Track(TrackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var validation = request.Validate(_options.Validation);
        if (!validation.IsValid)
        {
            _metrics?.ObjectsRejected.Add(request.Count);
            throw new BrazeValidationException(validation.Errors);
        }

        var handles = new List<TrackHandle>(request.Count);
        handles.AddRange(request.Attributes.Select(Track));
        handles.AddRange(request.Events.Select(Track));
        handles.AddRange(request.Purchases.Select(Track));
        return handles;
    }

    /// <inheritdoc />
    public ValueTask<TrackHandle> EnqueueAsync(TrackEvent trackEvent, CancellationToken cancellationToken = default)
        => AcceptAsync(TrackArray.Events, _admission.Admit(trackEvent), cancellationToken);

    /// <inheritdoc />
    public ValueTask<TrackHandle> EnqueueAsync(Purchase purchase, CancellationToken cancellationToken = default)
        => AcceptAsync(TrackArray.Purchases, _admission.Admit(purchase), cancellationToken);

    /// <inheritdoc />
    public ValueTask<TrackHandle> EnqueueAsync(AttributesUpdate attributes, CancellationToken cancellationToken = default)
        => AcceptAsync(TrackArray.Attributes, _admission.Admit(attributes), cancellationToken);

    /// <inheritdoc />
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        var waiting = _ledger.Snapshot().Select(i => i.GetTask()).ToList();
        _queue.RequestFlush(Interlocked.Read(ref _sequence));
        try
        {
            await Task.WhenAll(waiting).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Item failures are reported through their own handles; flushing only waits for them.
        }
    }

    /// <summary>Starts the sending loop (and replays the outbox). Called by the host; otherwise on first use.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        return Task.CompletedTask;
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

    /// <summary>Accepts an admitted item on the caller's thread, waiting there for a place when the queue is full (policy Wait).</summary>
    private TrackHandle Accept(TrackArray array, byte[] payload)
    {
        var item = Begin(array, payload);
        try
        {
            if (!_queue.TryReserve() && !WaitForPlace())
            {
                throw Stopping();
            }

            return Commit(item);
        }
        catch (Exception ex)
        {
            _ledger.Withdraw(item, ex);
            throw;
        }
    }

    /// <summary>Accepts an admitted item, waiting asynchronously for a place when the queue is full (policy Wait).</summary>
    private async ValueTask<TrackHandle> AcceptAsync(TrackArray array, byte[] payload, CancellationToken cancellationToken)
    {
        var item = Begin(array, payload);
        try
        {
            if (!_queue.TryReserve() && !await WaitForPlaceAsync(cancellationToken).ConfigureAwait(false))
            {
                throw Stopping();
            }

            return Commit(item);
        }
        catch (Exception ex)
        {
            _ledger.Withdraw(item, ex);
            throw;
        }
    }

    /// <summary>Records a new item (stored in the outbox first) before it takes a place in the queue.</summary>
    private TrackedItem Begin(TrackArray array, byte[] payload)
    {
        if (!_accepting)
        {
            throw Stopping();
        }

        EnsureStarted();
        var item = new TrackedItem(Interlocked.Increment(ref _sequence), array, payload);
        _ledger.Store(item, _time.GetUtcNow());
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

    private TrackHandle Commit(TrackedItem item) => _queue.TryEnqueue(item) ? new TrackHandle(item) : throw Stopping();

    private static ObjectDisposedException Stopping() => new(nameof(BrazeTracker), "The Braze tracker is stopping and accepts no more items.");

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _accepting = false;
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
        }

        // Items never sent are still pending in the ledger and are failed below.
        _queue.DrainUnsent();
        var kept = _ledger.HasOutbox;
        var undelivered = 0;
        foreach (var item in _ledger.Snapshot())
        {
            var reason = kept
                ? "The tracker stopped before Braze accepted the item; it is kept in the outbox and sent on the next start."
                : "The tracker stopped before Braze accepted the item; without an outbox it is not kept.";
            if (_ledger.Complete(item, new BrazeDeliveryException(reason, null, keptInOutbox: kept), removeFromOutbox: false))
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

        _ledger.Close();
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
                Replay(_ledger.Open(_outboxFactory()));
            }

            _loop = Task.Run(RunAsync);
        }
    }

    /// <summary>Queues what an earlier run left in the outbox, as far as the queue holds; the rest waits for the next start.</summary>
    private void Replay(IReadOnlyList<OutboxRow> rows)
    {
        var replayed = 0;
        foreach (var row in rows)
        {
            if (!Enum.IsDefined(row.Array))
            {
                LogUnknownOutboxRow(_logger, row.Id);
                continue;
            }

            if (!_queue.TryReserve())
            {
                break;
            }

            var item = new TrackedItem(Interlocked.Increment(ref _sequence), row.Array, row.Payload) { OutboxId = row.Id };
            _ledger.Add(item);
            _queue.TryEnqueue(item);
            replayed++;
        }

        if (replayed > 0)
        {
            LogReplayed(_logger, replayed);
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
                if (!await _queue.ReadBatchAsync(batch, max, _tracker.Linger ?? _tracker.FlushInterval, _tracker.FlushInterval, () => Volatile.Read(ref _sending) > 0, _sendCts.Token).ConfigureAwait(false))
                {
                    return; // closed and drained
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                await _slots.WaitAsync(_sendCts.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _sending);
                var send = SendBatchAsync([.. batch]);
                _inFlight[send] = 0;
                _ = send.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
            }
            catch (Exception) when (_sendCts.IsCancellationRequested)
            {
                return; // stopped: StopCoreAsync reports what is left
            }
            catch (Exception ex)
            {
                // The loop survives anything: fail this batch and go on with the next.
                LogLoopError(_logger, ex);
                foreach (var item in batch)
                {
                    _ledger.Complete(item, new BrazeDeliveryException("The tracker could not send the item.", ex), removeFromOutbox: true);
                }
            }
        }
    }

    private async Task SendBatchAsync(List<TrackedItem> batch)
    {
        try
        {
            // Sized once from the batch: growing lists here cost more per item than the item's own bookkeeping.
            Span<int> counts = stackalloc int[TrackArrays.All.Length];
            foreach (var item in batch)
            {
                counts[(int)item.Array]++;
            }

            var payloads = new List<ReadOnlyMemory<byte>>[] { new(counts[0]), new(counts[1]), new(counts[2]) };
            var items = new List<TrackedItem>[] { new(counts[0]), new(counts[1]), new(counts[2]) };
            foreach (var item in batch)
            {
                payloads[(int)item.Array].Add(item.Payload);
                items[(int)item.Array].Add(item);
            }

            var result = await _sender.SendChunksAsync(new TrackChunker(payloads[0], payloads[1], payloads[2]), _sendCts.Token).ConfigureAwait(false);
            var claimed = new List<TrackedItem>(batch.Count);
            var errors = default(Dictionary<TrackedItem, Exception>);
            foreach (var array in TrackArrays.All)
            {
                var list = items[(int)array];
                for (var i = 0; i < list.Count; i++)
                {
                    if (!_ledger.Claim(list[i]))
                    {
                        continue;
                    }

                    claimed.Add(list[i]);
                    if (!result.IsAccepted(array, i))
                    {
                        (errors ??= []).Add(list[i], Reason(result, array, i));
                    }
                }
            }

            _ledger.Settle(claimed, item => errors is not null && errors.TryGetValue(item, out var error) ? error : null);
        }
        catch (OperationCanceledException) when (_sendCts.IsCancellationRequested)
        {
            // Shutdown deadline: StopCoreAsync reports what is left.
        }
        catch (Exception ex)
        {
            LogLoopError(_logger, ex);
            var failure = new BrazeDeliveryException("Sending the item failed.", ex);
            _ledger.Settle(batch.Where(_ledger.Claim).ToList(), _ => failure);
        }
        finally
        {
            _slots.Release();
            Interlocked.Decrement(ref _sending);
            _queue.Nudge(); // the pipe may be idle now: a partial batch waiting for it can go
        }
    }

    private static BrazeDeliveryException Reason(TrackResult result, TrackArray array, int index)
    {
        foreach (var failure in result.Failures)
        {
            if (failure.Range.Contains(array, index))
            {
                return new BrazeDeliveryException($"Braze did not accept the request holding the item: {failure.Exception.Message}", failure.Exception);
            }
        }

        var error = result.Errors.FirstOrDefault(e => e.Array == array && e.Index == index)
            ?? result.Errors.FirstOrDefault(e => e.Array is null && e.Range.Contains(array, index));
        return new BrazeDeliveryException($"Braze rejected the item: {error?.Message ?? "unknown reason"}");
    }

    [LoggerMessage(20, LogLevel.Error, "The Braze tracker hit an error; the affected items are failed and sending goes on")]
    private static partial void LogLoopError(ILogger logger, Exception exception);

    [LoggerMessage(21, LogLevel.Error, "The Braze tracker stopped with {Count} undelivered item(s) and no outbox; their handles are failed")]
    private static partial void LogUndelivered(ILogger logger, int count);

    [LoggerMessage(22, LogLevel.Warning, "The Braze tracker stopped with {Count} undelivered item(s); they are kept in the outbox for the next start")]
    private static partial void LogKeptInOutbox(ILogger logger, int count);

    [LoggerMessage(23, LogLevel.Information, "The Braze tracker replays {Count} item(s) from its outbox")]
    private static partial void LogReplayed(ILogger logger, int count);

    [LoggerMessage(25, LogLevel.Error, "The Braze tracker skipped outbox row {Id}: it names no array of /users/track; the row stays in the outbox")]
    private static partial void LogUnknownOutboxRow(ILogger logger, long id);
}
