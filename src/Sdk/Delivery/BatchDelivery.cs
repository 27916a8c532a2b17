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
/// <see cref="BrazeTrackerOptions.DeadLetterAfter"/>. A 401 or 403 also pauses delivery for the workspace until the
/// next attempt is due: one probe per interval instead of every batch failing on its own.
/// </summary>
internal sealed partial class BatchDelivery(
    ITrackSender sender,
    CompletionLedger ledger,
    DeferredItems deferred,
    BrazeTrackerOptions options,
    TimeProvider time,
    ILogger logger,
    BrazeMetrics? metrics)
{
    private long _pausedUntilTicks;

    /// <summary>Until when delivery is paused by a 401 or 403 (null: not paused).</summary>
    public DateTimeOffset? PausedUntil
    {
        get
        {
            var ticks = Interlocked.Read(ref _pausedUntilTicks);
            return ticks > 0 && ticks > time.GetUtcNow().UtcTicks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
        }
    }

    /// <summary>Sends <paramref name="batch"/> and settles every item of it (delivered, dead-lettered or deferred).</summary>
    public async Task DeliverAsync(List<TrackedItem> batch, CancellationToken cancellationToken)
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
        if (accepted.Count > 0 && Interlocked.Exchange(ref _pausedUntilTicks, 0) != 0)
        {
            metrics?.SetPaused(false);
            LogResumed(logger);
        }

        if (rejected is not null)
        {
            await ledger.DeadLetterAsync(rejected).ConfigureAwait(false);
        }

        foreach (var (items, failure) in retries ?? [])
        {
            await DeferAsync(items, failure, TrackFailures.Classify(failure) == TrackFailureKind.Unauthorized).ConfigureAwait(false);
        }

        // One object can make Braze refuse a whole request: halve until the offenders are alone, and deliver the rest.
        foreach (var items in suspects ?? [])
        {
            var half = items.Count / 2;
            await DeliverAsync(items.GetRange(0, half), cancellationToken).ConfigureAwait(false);
            await DeliverAsync(items.GetRange(half, items.Count - half), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Delivery is paused: puts the batch back until the pause ends, without counting an attempt.</summary>
    public async Task HoldAsync(List<TrackedItem> batch, DateTimeOffset until)
    {
        await ledger.DeferAsync(batch, until, "Delivery is paused: Braze refused the API key.", countAttempt: false).ConfigureAwait(false);
        deferred.Schedule(batch, until - time.GetUtcNow());
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
        long current;
        do
        {
            current = Interlocked.Read(ref _pausedUntilTicks);
            if (current >= until.UtcTicks)
            {
                return; // another batch already paused at least as long: one log line per interval
            }
        }
        while (Interlocked.CompareExchange(ref _pausedUntilTicks, until.UtcTicks, current) != current);

        metrics?.SetPaused(true);
        LogPaused(logger, (int?)failure.StatusCode ?? 0, until);
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
