using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Braze.Delivery;
using Braze.Generated;
using Braze.Rules;
using Braze.Sending;
using Braze.Transport;

namespace Braze;

/// <summary>
/// The background tracker: a bounded queue of validated, serialized items, a loop that batches them to the
/// per-request object limit (or after <see cref="BrazeTrackerOptions.FlushInterval"/>), several batches in flight
/// through <see cref="BrazeClient"/> (the same HTTP pipeline, never a second one), per-item completion, flush, a
/// shutdown deadline, and an optional SQLite outbox. Registered by <c>AddBraze</c> and started and stopped with
/// the host; without a host it starts on first use and drains on <see cref="DisposeAsync"/>.
/// </summary>
internal sealed partial class BrazeTracker : IBrazeTracker, IHostedService, IAsyncDisposable, IDisposable
{
    private const int AttributesKind = 0;
    private const int EventsKind = 1;
    private const int PurchasesKind = 2;
    private static readonly string[] s_arrayNames = ["attributes", "events", "purchases"];

    private readonly BrazeClient _client;
    private readonly BrazeOptions _options;
    private readonly BrazeTrackerOptions _tracker;
    private readonly ILogger _logger;
    private readonly BrazeMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly Channel<TrackedItem> _queue;
    private readonly PendingItems _pending = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _sendCts = new();
    private readonly object _startGate = new();
    private readonly BrazeWriteContext _writeContext;
    [ThreadStatic]
    private static ValidationContext? t_context;

    private TaskCompletionSource _flushSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _fillSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _queued;
    private int _wakeAt = int.MaxValue;
    private long _flushTarget = -1;
    private long _sequence;
    private SqliteOutbox? _outbox;
    private Task? _loop;
    private Task? _stopping;
    private volatile bool _accepting = true;

    /// <summary>Creates a tracker over <paramref name="client"/>.</summary>
    public BrazeTracker(BrazeClient client, BrazeOptions options, ILogger<BrazeTracker>? logger = null, BrazeMetrics? metrics = null, TimeProvider? timeProvider = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _tracker = options.Tracker;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = metrics;
        _time = timeProvider ?? TimeProvider.System;
        _writeContext = new BrazeWriteContext(options.Validation);
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentRequests));
        _queue = Channel.CreateBounded<TrackedItem>(new BoundedChannelOptions(Math.Max(1, _tracker.MaxQueueSize))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <inheritdoc />
    public int PendingCount => _pending.Count;

    /// <summary>Items stored in the outbox (0 without one).</summary>
    public long OutboxCount => _outbox?.Count() ?? 0;

    /// <inheritdoc />
    public TrackHandle Track(TrackEvent trackEvent) => Add(EventsKind, Prepare(trackEvent), CancellationToken.None, sync: true).Result;

    /// <inheritdoc />
    public TrackHandle Track(Purchase purchase) => Add(PurchasesKind, Prepare(purchase), CancellationToken.None, sync: true).Result;

    /// <inheritdoc />
    public TrackHandle Track(AttributesUpdate attributes) => Add(AttributesKind, Prepare(attributes), CancellationToken.None, sync: true).Result;

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
        foreach (var a in request.Attributes)
        {
            handles.Add(Track(a));
        }

        foreach (var e in request.Events)
        {
            handles.Add(Track(e));
        }

        foreach (var p in request.Purchases)
        {
            handles.Add(Track(p));
        }

        return handles;
    }

    /// <inheritdoc />
    public ValueTask<TrackHandle> EnqueueAsync(TrackEvent trackEvent, CancellationToken cancellationToken = default)
        => Add(EventsKind, Prepare(trackEvent), cancellationToken, sync: false);

    /// <inheritdoc />
    public ValueTask<TrackHandle> EnqueueAsync(Purchase purchase, CancellationToken cancellationToken = default)
        => Add(PurchasesKind, Prepare(purchase), cancellationToken, sync: false);

    /// <inheritdoc />
    public ValueTask<TrackHandle> EnqueueAsync(AttributesUpdate attributes, CancellationToken cancellationToken = default)
        => Add(AttributesKind, Prepare(attributes), cancellationToken, sync: false);

    /// <inheritdoc />
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        var waiting = _pending.Snapshot().Select(i => i.GetTask()).ToList();
        RequestFlush(Interlocked.Read(ref _sequence));
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

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _accepting = false;
        _queue.Writer.TryComplete();
        var started = _loop is not null;
        if (started)
        {
            RequestFlush(long.MaxValue);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_tracker.ShutdownTimeout);
            try
            {
                await _loop!.WaitAsync(deadline.Token).ConfigureAwait(false);
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

        while (_queue.Reader.TryRead(out _))
        {
            // Items never sent are still in _pending and are failed below.
        }

        var undelivered = 0;
        foreach (var item in _pending.Snapshot())
        {
            if (Complete(item, new BrazeDeliveryException(
                _outbox is null
                    ? "The tracker stopped before Braze accepted the item; without an outbox it is not kept."
                    : "The tracker stopped before Braze accepted the item; it is kept in the outbox and sent on the next start.",
                null,
                keptInOutbox: _outbox is not null), removeFromOutbox: false))
            {
                undelivered++;
            }
        }

        if (undelivered > 0)
        {
            if (_outbox is null)
            {
                _metrics?.ObjectsDropped.Add(undelivered);
                LogUndelivered(_logger, undelivered);
            }
            else
            {
                LogKeptInOutbox(_logger, undelivered);
            }
        }

        lock (_startGate)
        {
            _outbox?.Dispose();
            _outbox = null;
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

            if (_tracker.OutboxPath is { Length: > 0 } path)
            {
                _outbox = new SqliteOutbox(path);
                var rows = _outbox.ReadAll();
                foreach (var (id, kind, payload) in rows)
                {
                    var item = new TrackedItem(Interlocked.Increment(ref _sequence), kind, payload) { OutboxId = id };
                    _pending.Add(item);
                    _metrics?.AddQueueDepth(1);
                    if (!_queue.Writer.TryWrite(item))
                    {
                        // More leftovers than the queue holds: they stay in the outbox for the next start.
                        _pending.Remove(item);
                        _metrics?.AddQueueDepth(-1);
                        break;
                    }

                    Enqueued();
                }

                if (rows.Count > 0)
                {
                    LogReplayed(_logger, rows.Count);
                }
            }

            _loop = Task.Run(RunAsync);
        }
    }

    private byte[] Prepare(TrackEvent item) => Prepare(item, "event", static (c, x) => x.Validate(c), static (w, x, c) => x.WriteTo(w, c));

    private byte[] Prepare(Purchase item) => Prepare(item, "purchase", static (c, x) => x.Validate(c), static (w, x, c) => x.WriteTo(w, c));

    private byte[] Prepare(AttributesUpdate item) => Prepare(item, "attributes", static (c, x) => x.Validate(c), static (w, x, c) => x.WriteTo(w, c));

    private byte[] Prepare<T>(T item, string root, Action<ValidationContext, T> validate, Action<System.Text.Json.Utf8JsonWriter, T, BrazeWriteContext> write)
    {
        ArgumentNullException.ThrowIfNull(item);
        var context = t_context is { } cached && ReferenceEquals(cached.Options, _options.Validation) ? cached : new ValidationContext(_options.Validation);
        t_context = null;
        context.Reset();
        context.Push(root);
        validate(context, item);
        context.Pop();
        byte[]? payload = null;
        if (!context.HasErrors)
        {
            payload = TrackChunker.SerializeObject(item, write, _writeContext);
            context.Push(root);
            BrazeRules.RequestBodySize(context, payload.Length + 48);
            context.Pop();
        }

        if (context.HasErrors)
        {
            _metrics?.ObjectsRejected.Add(1);
            throw new BrazeValidationException([.. context.Errors]);
        }

        t_context = context;
        return payload!;
    }

    private async ValueTask<TrackHandle> Add(int kind, byte[] payload, CancellationToken cancellationToken, bool sync)
    {
        if (!_accepting)
        {
            throw new ObjectDisposedException(nameof(BrazeTracker), "The Braze tracker is stopping and accepts no more items.");
        }

        EnsureStarted();
        var item = new TrackedItem(Interlocked.Increment(ref _sequence), kind, payload);
        if (_outbox is { } outbox)
        {
            item.OutboxId = outbox.Add(kind, payload, _time.GetUtcNow());
        }

        _pending.Add(item);
        _metrics?.AddQueueDepth(1);
        try
        {
            if (!_queue.Writer.TryWrite(item))
            {
                if (_tracker.OverflowPolicy == QueueOverflowPolicy.Fail)
                {
                    throw new BrazeQueueFullException();
                }

                if (sync)
                {
                    _queue.Writer.WriteAsync(item, cancellationToken).AsTask().GetAwaiter().GetResult();
                }
                else
                {
                    await _queue.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
                }
            }

            Enqueued();
        }
        catch (Exception ex) when (ex is BrazeQueueFullException or OperationCanceledException or ChannelClosedException)
        {
            // Not accepted: undo, so nothing is left half-queued.
            if (_pending.Remove(item))
            {
                _metrics?.AddQueueDepth(-1);
                RemoveFromOutbox([item]);
            }

            if (ex is ChannelClosedException)
            {
                throw new ObjectDisposedException(nameof(BrazeTracker), "The Braze tracker is stopping and accepts no more items.");
            }

            throw;
        }

        return new TrackHandle(item);
    }

    /// <summary>
    /// Counts an item into the queue and wakes a loop that holds a partial batch once enough items wait to fill it,
    /// so the loop wakes once per batch instead of once per item.
    /// </summary>
    private void Enqueued()
    {
        if (Interlocked.Increment(ref _queued) >= Volatile.Read(ref _wakeAt))
        {
            Volatile.Read(ref _fillSignal).TrySetResult();
        }
    }

    private void RequestFlush(long upTo)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _flushTarget);
            if (upTo <= current)
            {
                break;
            }
        }
        while (Interlocked.CompareExchange(ref _flushTarget, upTo, current) != current);

        Interlocked.Exchange(ref _flushSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var max = _options.Validation.ObjectLimitScope == ObjectLimitScope.PerArray
            ? _options.Validation.MaxObjectsPerRequest * 3
            : _options.Validation.MaxObjectsPerRequest;
        var batch = new List<TrackedItem>(max);
        while (true)
        {
            try
            {
                if (!await reader.WaitToReadAsync(_sendCts.Token).ConfigureAwait(false))
                {
                    return; // completed and drained
                }

                batch.Clear();
                var deadline = _time.GetUtcNow() + _tracker.FlushInterval;
                while (true)
                {
                    // Taken before the flush target is read: a flush requested after this point completes this task.
                    var flush = Volatile.Read(ref _flushSignal).Task;
                    var read = 0;
                    while (batch.Count < max && reader.TryRead(out var item))
                    {
                        batch.Add(item);
                        read++;
                    }

                    Interlocked.Add(ref _queued, -read);
                    if (batch.Count >= max || (batch.Count > 0 && batch[0].Sequence <= Interlocked.Read(ref _flushTarget)))
                    {
                        break;
                    }

                    var remaining = deadline - _time.GetUtcNow();
                    if (remaining <= TimeSpan.Zero || reader.Completion.IsCompleted)
                    {
                        break;
                    }

                    // A partial batch: sleep until enough items wait to fill it, a flush, or the interval; not per item.
                    var fill = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    Volatile.Write(ref _fillSignal, fill);
                    var missing = max - batch.Count; // at least 1: the batch is not full here
                    Interlocked.Exchange(ref _wakeAt, missing);
                    if (Volatile.Read(ref _queued) < missing)
                    {
                        using var wait = CancellationTokenSource.CreateLinkedTokenSource(_sendCts.Token);
                        await Task.WhenAny(fill.Task, flush, Task.Delay(remaining, _time, wait.Token)).ConfigureAwait(false);
                        await wait.CancelAsync().ConfigureAwait(false); // stops the delay's timer
                        _sendCts.Token.ThrowIfCancellationRequested();
                    }

                    Volatile.Write(ref _wakeAt, int.MaxValue);
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                await _slots.WaitAsync(_sendCts.Token).ConfigureAwait(false);
                var send = SendBatchAsync([.. batch]);
                _inFlight[send] = 0;
                _ = send.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
            }
            catch (OperationCanceledException) when (_sendCts.IsCancellationRequested)
            {
                return;
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
                    Complete(item, new BrazeDeliveryException("The tracker could not send the item.", ex), removeFromOutbox: true);
                }
            }
        }
    }

    private async Task SendBatchAsync(List<TrackedItem> batch)
    {
        try
        {
            // Sized once from the batch: growing lists here cost more per item than the item's own bookkeeping.
            Span<int> counts = stackalloc int[3];
            foreach (var item in batch)
            {
                counts[item.Kind]++;
            }

            var arrays = new List<ReadOnlyMemory<byte>>[] { new(counts[0]), new(counts[1]), new(counts[2]) };
            var items = new List<TrackedItem>[] { new(counts[0]), new(counts[1]), new(counts[2]) };
            foreach (var item in batch)
            {
                arrays[item.Kind].Add(item.Payload);
                items[item.Kind].Add(item);
            }

            var result = await _client.SendChunksAsync(new TrackChunker(arrays[0], arrays[1], arrays[2]), _sendCts.Token).ConfigureAwait(false);
            // Claimed first, out of the outbox next, completed last: once a handle completes (and so once FlushAsync
            // returns) the item is no longer in the outbox, and a crash in between can only resend, never lose it.
            var done = new List<TrackedItem>(batch.Count);
            var errors = default(Dictionary<TrackedItem, Exception>);
            for (var kind = 0; kind < 3; kind++)
            {
                var name = s_arrayNames[kind];
                for (var i = 0; i < items[kind].Count; i++)
                {
                    var item = items[kind][i];
                    if (!Claim(item))
                    {
                        continue;
                    }

                    done.Add(item);
                    if (!result.IsAccepted(name, i))
                    {
                        (errors ??= []).Add(item, Reason(result, name, i));
                    }
                }
            }

            RemoveFromOutbox(done);
            foreach (var item in done)
            {
                item.Finish(errors is not null && errors.TryGetValue(item, out var error) ? error : null);
            }
        }
        catch (OperationCanceledException) when (_sendCts.IsCancellationRequested)
        {
            // Shutdown deadline: StopCoreAsync reports what is left.
        }
        catch (Exception ex)
        {
            LogLoopError(_logger, ex);
            var failed = batch.Where(Claim).ToList();
            RemoveFromOutbox(failed);
            foreach (var item in failed)
            {
                item.Finish(new BrazeDeliveryException("Sending the item failed.", ex));
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private static BrazeDeliveryException Reason(TrackResult result, string array, int index)
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

    /// <summary>Completes an item exactly once; returns false when something else completed it first.</summary>
    private bool Complete(TrackedItem item, Exception? error, bool removeFromOutbox)
    {
        if (!Claim(item))
        {
            return false;
        }

        if (removeFromOutbox)
        {
            RemoveFromOutbox([item]);
        }

        item.Finish(error);
        return true;
    }

    /// <summary>Takes an item out of the pending set; returns false when something else took it first.</summary>
    private bool Claim(TrackedItem item)
    {
        if (!_pending.Remove(item))
        {
            return false;
        }

        _metrics?.AddQueueDepth(-1);
        return true;
    }

    private void RemoveFromOutbox(IReadOnlyCollection<TrackedItem> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        try
        {
            lock (_startGate)
            {
                _outbox?.Remove(items.Where(i => i.OutboxId > 0).Select(i => i.OutboxId));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The items are done either way; rows left behind are sent again on the next start (at least once).
            LogOutboxRemoveFailed(_logger, ex, items.Count);
        }
    }

    [LoggerMessage(20, LogLevel.Error, "The Braze tracker hit an error; the affected items are failed and sending goes on")]
    private static partial void LogLoopError(ILogger logger, Exception exception);

    [LoggerMessage(21, LogLevel.Error, "The Braze tracker stopped with {Count} undelivered item(s) and no outbox; their handles are failed")]
    private static partial void LogUndelivered(ILogger logger, int count);

    [LoggerMessage(22, LogLevel.Warning, "The Braze tracker stopped with {Count} undelivered item(s); they are kept in the outbox for the next start")]
    private static partial void LogKeptInOutbox(ILogger logger, int count);

    [LoggerMessage(23, LogLevel.Information, "The Braze tracker replays {Count} item(s) from its outbox")]
    private static partial void LogReplayed(ILogger logger, int count);

    [LoggerMessage(24, LogLevel.Error, "The Braze tracker could not remove {Count} finished item(s) from its outbox; they are sent again on the next start")]
    private static partial void LogOutboxRemoveFailed(ILogger logger, Exception exception, int count);

}
