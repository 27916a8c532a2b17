using Braze.Sending;
using Braze.Wire;
using Braze.Transport;
using Microsoft.Extensions.Logging;

namespace Braze.Delivery;

/// <summary>
/// Sends one batch and decides each item's fate from Braze's answer. Accepted: done. A minor error naming the item, or
/// a refusal (400, 413, 422) of a request that held it alone: rejected for good, dead-lettered with Braze's message. A
/// refused request of several items is split in halves and each half sent again, until the offenders are alone and
/// their neighbours delivered. Anything else (no answer, 5xx, 408, 429, 401, 403, retries exhausted) is not the item's
/// fault: it stays pending and is deferred with exponential backoff and jitter, until it is older than
/// <see cref="BrazeTrackerOptions.DeadLetterAfter"/>. A 401 or 403 also pauses delivery for the workspace: batches
/// are held (not sent, not counted as attempts) until the pause ends; then one batch goes as a probe while the others
/// wait for its answer, so a wrong key costs one request per interval, not one per batch.
/// </summary>
internal sealed partial class BatchDelivery(
    ITrackSender sender,
    CompletionLedger ledger,
    DeferredItems deferred,
    Action<List<TrackedItem>> requeue,
    BrazeTrackerOptions options,
    TimeProvider time,
    ILogger logger,
    BrazeMetrics? metrics) : IDisposable
{
    private readonly object _pauseGate = new();
    private readonly List<TrackedItem> _held = [];
    private DateTimeOffset? _pausedUntil;
    private bool _probing;
    private ITimer? _pauseEnd;
    private bool _pauseOver;
    private long _pauseGeneration;

    /// <summary>Until when delivery is paused by a 401 or 403 (null: not paused; past while a probe is out).</summary>
    public DateTimeOffset? PausedUntil
    {
        get
        {
            lock (_pauseGate)
            {
                return _pausedUntil;
            }
        }
    }

    /// <summary>
    /// True when <paramref name="batch"/> must wait because delivery is paused: it is held until the pause ends (its
    /// attempt ends now, so a flush does not wait out the pause). False when it may go; <paramref name="probe"/> says it
    /// is the one batch sent to learn whether the key works again.
    /// </summary>
    public bool TryHold(List<TrackedItem> batch, out bool probe)
    {
        probe = false;
        lock (_pauseGate)
        {
            if (_pausedUntil is not { } until)
            {
                return false;
            }

            // The timer says when the pause is over (it may fire a little before the clock reaches the time).
            if (!_probing && (_pauseOver || time.GetUtcNow() >= until))
            {
                _probing = probe = true;
                return false;
            }

            // The attempt ends before the batch is held: once held, a resume may queue it again at once, and it must
            // be waiting by then (a deletion of its user may purge it while it is held).
            foreach (var item in batch)
            {
                item.EndAttempt();
            }

            _held.AddRange(batch);
        }

        return true;
    }

    /// <summary>Stops the pause timer (shutdown: held items stay pending and are completed by the tracker).</summary>
    public void Dispose()
    {
        lock (_pauseGate)
        {
            _pauseEnd?.Dispose();
            _pauseEnd = null;
        }
    }

    /// <summary>Sends <paramref name="batch"/> and settles every item of it (delivered, dead-lettered or deferred).</summary>
    public async Task DeliverAsync(List<TrackedItem> batch, bool probe, CancellationToken cancellationToken)
    {
        bool refused;
        try
        {
            refused = await SendAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (probe)
        {
            Resume(); // the probe told nothing about the key: never leave the held batches waiting on it
            throw;
        }

        if (probe && !refused)
        {
            Resume(); // the key works again (or the failure was not about it): held batches go
        }
    }

    /// <summary>Sends and settles; true when Braze refused the key (401/403) for any part of the batch.</summary>
    private async Task<bool> SendAsync(List<TrackedItem> batch, CancellationToken cancellationToken)
    {
        var result = await sender.SendChunksAsync(Chunker(batch, out var byArray), cancellationToken).ConfigureAwait(false);
        var accepted = new List<TrackedItem>(batch.Count);
        var rejected = default(List<(TrackedItem, BrazeDeliveryException)>);
        var suspects = default(List<List<TrackedItem>>);
        var retries = default(List<(List<TrackedItem> Items, BrazeApiException Failure)>);
        foreach (var failure in result.Failures)
        {
            var items = ItemsOf(failure.Range, byArray);
            switch (TrackFailures.Classify(failure.Exception))
            {
                case TrackFailureKind.Refused when items.Count > 1:
                    (suspects ??= []).Add(items);
                    break;
                case TrackFailureKind.Refused:
                    (rejected ??= []).Add((items[0], new BrazeDeliveryException($"Braze refused the item: {failure.Exception.Message}", failure.Exception)));
                    break;
                default:
                    (retries ??= []).Add((items, failure.Exception));
                    break;
            }
        }

        foreach (var array in TrackArrays.All)
        {
            var list = byArray[(int)array];
            for (var i = 0; i < list.Count; i++)
            {
                if (InFailedRequest(result, array, i))
                {
                    continue;
                }

                if (result.IsAccepted(array, i))
                {
                    accepted.Add(list[i]);
                }
                else
                {
                    (rejected ??= []).Add((list[i], new BrazeDeliveryException($"Braze rejected the item: {MinorError(result, array, i)}")));
                }
            }
        }

        await ledger.DeliveredAsync(accepted).ConfigureAwait(false);
        if (accepted.Count > 0)
        {
            Resume();
        }

        if (rejected is not null)
        {
            await ledger.DeadLetterAsync(rejected).ConfigureAwait(false);
        }

        var unauthorized = false;
        foreach (var (items, failure) in retries ?? [])
        {
            var keyRefused = TrackFailures.Classify(failure) == TrackFailureKind.Unauthorized;
            unauthorized |= keyRefused;
            await DeferAsync(items, failure, keyRefused).ConfigureAwait(false);
        }

        // One object can make Braze refuse a whole request: halve until the offenders are alone, and deliver the rest.
        foreach (var items in suspects ?? [])
        {
            var half = items.Count / 2;
            unauthorized |= await SendAsync(items.GetRange(0, half), cancellationToken).ConfigureAwait(false);
            unauthorized |= await SendAsync(items.GetRange(half, items.Count - half), cancellationToken).ConfigureAwait(false);
        }

        return unauthorized;
    }

    /// <summary>Sending failed in a way Braze never answered (an unexpected error in the pipeline): the items are kept and tried again later.</summary>
    public Task DeferAsync(List<TrackedItem> batch, Exception failure) => DeferAsync(batch, failure, unauthorized: false);

    private async Task DeferAsync(List<TrackedItem> items, Exception failure, bool unauthorized)
    {
        var now = time.GetUtcNow();
        var expired = items.Where(i => now - i.EnqueuedAt >= options.DeadLetterAfter).ToList();
        if (expired.Count > 0)
        {
            var reason = new BrazeDeliveryException($"Braze did not accept the item within {options.DeadLetterAfter} (DeadLetterAfter); last failure: {failure.Message}", failure);
            await ledger.DeadLetterAsync(expired.Select(i => (i, reason)).ToList()).ConfigureAwait(false);
            items = items.Except(expired).ToList();
            if (items.Count == 0)
            {
                return;
            }
        }

        var delay = Backoff(items.Max(i => i.Attempts) + 1);
        var next = now + delay;
        if (unauthorized)
        {
            Pause(next, (BrazeApiException)failure);
        }

        LogDeferred(logger, items.Count, (long)delay.TotalMilliseconds, failure.Message);
        await ledger.DeferAsync(items, next, failure.Message, countAttempt: true).ConfigureAwait(false);
        deferred.Schedule(items, delay);
    }

    private void Pause(DateTimeOffset until, BrazeApiException failure)
    {
        lock (_pauseGate)
        {
            if (_pausedUntil is { } current && current >= until && !_probing)
            {
                return; // another batch already paused at least as long: one log line per interval
            }

            _pausedUntil = until;
            _pauseOver = false;
            _probing = false;
            _pauseEnd?.Dispose();
            // At the end of the pause the held batches go back to the queue: the first read goes as the probe.
            var delay = until - time.GetUtcNow();
            // The timer names its pause: one that fired just as a newer pause replaced it must not end the newer one.
            var generation = ++_pauseGeneration;
            _pauseEnd = time.CreateTimer(state => EndPause((long)state!), generation, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
        }

        metrics?.SetPaused(true);
        LogPaused(logger, (int?)failure.StatusCode ?? 0, until);
    }

    private void Resume()
    {
        lock (_pauseGate)
        {
            if (_pausedUntil is null)
            {
                return;
            }

            _pausedUntil = null;
            _probing = false;
            _pauseEnd?.Dispose();
            _pauseEnd = null;
        }

        metrics?.SetPaused(false);
        LogResumed(logger);
        ReleaseHeld();
    }

    private void EndPause(long generation)
    {
        lock (_pauseGate)
        {
            if (generation != _pauseGeneration)
            {
                return;
            }

            _pauseOver = true;
        }

        ReleaseHeld();
    }

    private void ReleaseHeld()
    {
        List<TrackedItem> held;
        lock (_pauseGate)
        {
            held = [.. _held];
            _held.Clear();
        }

        if (held.Count > 0)
        {
            requeue(held);
        }
    }

    /// <summary>Exponential from <see cref="BrazeTrackerOptions.RedeliveryDelay"/>, capped, with equal jitter (half fixed, half random) so a fleet spreads out.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var exponent = Math.Min(attempt - 1, 30);
        var ticks = Math.Min(options.MaxRedeliveryDelay.Ticks, options.RedeliveryDelay.Ticks * Math.Pow(2, exponent));
        return TimeSpan.FromTicks((long)(ticks / 2 + (Random.Shared.NextDouble() * ticks / 2)));
    }

    private static TrackChunker Chunker(List<TrackedItem> batch, out List<TrackedItem>[] byArray)
    {
        // Sized once from the batch: growing lists here cost more per item than the item's own bookkeeping.
        Span<int> counts = stackalloc int[TrackArrays.All.Length];
        foreach (var item in batch)
        {
            counts[(int)item.Array]++;
        }

        var payloads = new List<ReadOnlyMemory<byte>>[] { new(counts[0]), new(counts[1]), new(counts[2]) };
        byArray = [new(counts[0]), new(counts[1]), new(counts[2])];
        foreach (var item in batch)
        {
            payloads[(int)item.Array].Add(item.Payload);
            byArray[(int)item.Array].Add(item);
        }

        return new TrackChunker(payloads[0], payloads[1], payloads[2]);
    }

    private static List<TrackedItem> ItemsOf(TrackObjectRange range, List<TrackedItem>[] byArray)
    {
        var items = new List<TrackedItem>(range.Count);
        items.AddRange(byArray[(int)TrackArray.Attributes].GetRange(range.AttributesStart, range.AttributesCount));
        items.AddRange(byArray[(int)TrackArray.Events].GetRange(range.EventsStart, range.EventsCount));
        items.AddRange(byArray[(int)TrackArray.Purchases].GetRange(range.PurchasesStart, range.PurchasesCount));
        return items;
    }

    private static bool InFailedRequest(TrackResult result, TrackArray array, int index)
    {
        foreach (var failure in result.Failures)
        {
            if (failure.Range.Contains(array, index))
            {
                return true;
            }
        }

        return false;
    }

    private static string MinorError(TrackResult result, TrackArray array, int index)
    {
        var error = result.Errors.FirstOrDefault(e => e.Array == array && e.Index == index)
            ?? result.Errors.FirstOrDefault(e => e.Array is null && e.Range.Contains(array, index));
        return error?.Message ?? "unknown reason";
    }

    [LoggerMessage(27, LogLevel.Debug, "The Braze tracker defers {Count} item(s) by {DelayMs} ms: {Reason}")]
    private static partial void LogDeferred(ILogger logger, int count, long delayMs, string reason);

    [LoggerMessage(28, LogLevel.Error, "Braze answered {Status}: the API key is wrong, revoked or lacks the users.track permission. Delivery is paused until {Until:o}; items are kept and tried again then")]
    private static partial void LogPaused(ILogger logger, int status, DateTimeOffset until);

    [LoggerMessage(29, LogLevel.Information, "Braze accepted items again; delivery is no longer paused")]
    private static partial void LogResumed(ILogger logger);
}
