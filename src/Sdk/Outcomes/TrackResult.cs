using System.Text.Json;
using Braze.Wire;

namespace Braze;

/// <summary>A contiguous run of objects of the caller's <see cref="TrackRequest"/> sent in one HTTP request.</summary>
public sealed class TrackObjectRange
{
    /// <summary>Creates the range.</summary>
    /// <param name="attributesStart">First attributes index.</param>
    /// <param name="attributesCount">Number of attributes objects.</param>
    /// <param name="eventsStart">First event index.</param>
    /// <param name="eventsCount">Number of events.</param>
    /// <param name="purchasesStart">First purchase index.</param>
    /// <param name="purchasesCount">Number of purchases.</param>
    public TrackObjectRange(int attributesStart, int attributesCount, int eventsStart, int eventsCount, int purchasesStart, int purchasesCount)
    {
        AttributesStart = attributesStart;
        AttributesCount = attributesCount;
        EventsStart = eventsStart;
        EventsCount = eventsCount;
        PurchasesStart = purchasesStart;
        PurchasesCount = purchasesCount;
    }

    /// <summary>First attributes index.</summary>
    public int AttributesStart { get; }

    /// <summary>Number of attributes objects.</summary>
    public int AttributesCount { get; }

    /// <summary>First event index.</summary>
    public int EventsStart { get; }

    /// <summary>Number of events.</summary>
    public int EventsCount { get; }

    /// <summary>First purchase index.</summary>
    public int PurchasesStart { get; }

    /// <summary>Number of purchases.</summary>
    public int PurchasesCount { get; }

    /// <summary>Objects in the range.</summary>
    internal int Count => AttributesCount + EventsCount + PurchasesCount;

    /// <summary>True when <c>array[index]</c> of the caller's request is in this range.</summary>
    internal bool Contains(TrackArray array, int index) => array switch
    {
        TrackArray.Attributes => index >= AttributesStart && index < AttributesStart + AttributesCount,
        TrackArray.Events => index >= EventsStart && index < EventsStart + EventsCount,
        TrackArray.Purchases => index >= PurchasesStart && index < PurchasesStart + PurchasesCount,
        _ => false,
    };

    /// <summary>Maps an index inside this request's array back to the caller's index.</summary>
    internal int? ToCallerIndex(TrackArray array, int indexInRequest) => array switch
    {
        TrackArray.Attributes when indexInRequest < AttributesCount => AttributesStart + indexInRequest,
        TrackArray.Events when indexInRequest < EventsCount => EventsStart + indexInRequest,
        TrackArray.Purchases when indexInRequest < PurchasesCount => PurchasesStart + indexInRequest,
        _ => null,
    };
}

/// <summary>
/// A minor error Braze returned with a success: the object it names was not applied. <see cref="Array"/> and
/// <see cref="Index"/> point into the caller's <see cref="TrackRequest"/> (not into the HTTP request it went in)
/// when Braze said which object it was.
/// </summary>
public sealed class TrackError
{
    /// <summary>Creates the value.</summary>
    /// <param name="array"><c>attributes</c>, <c>events</c> or <c>purchases</c>, when known.</param>
    /// <param name="index">Index in the caller's request, when known.</param>
    /// <param name="message">Braze's description.</param>
    /// <param name="raw">The error element as Braze sent it.</param>
    /// <param name="range">The objects of the HTTP request the error came with.</param>
    public TrackError(TrackArray? array, int? index, string message, JsonElement raw, TrackObjectRange range)
    {
        Array = array;
        Index = index;
        Message = message ?? throw new ArgumentNullException(nameof(message));
        Raw = raw;
        Range = range ?? throw new ArgumentNullException(nameof(range));
    }

    /// <summary><c>attributes</c>, <c>events</c> or <c>purchases</c>, when known.</summary>
    public TrackArray? Array { get; }

    /// <summary>Index in the caller's request, when known.</summary>
    public int? Index { get; }

    /// <summary>Braze's description.</summary>
    public string Message { get; }

    /// <summary>The error element as Braze sent it.</summary>
    public JsonElement Raw { get; }

    /// <summary>The objects of the HTTP request the error came with.</summary>
    public TrackObjectRange Range { get; }

    /// <inheritdoc />
    public override string ToString() => Array is { } array ? $"{array.Name()}[{Index}]: {Message}" : Message;
}

/// <summary>An HTTP request of the track call that failed as a whole (fatal error, or retries exhausted): none of its objects were applied, or, when <see cref="BrazeApiException.IsOutcomeUnknown"/>, maybe all.</summary>
public sealed class TrackFailure
{
    /// <summary>Creates the value.</summary>
    /// <param name="range">The objects of the failed request.</param>
    /// <param name="exception">Why it failed.</param>
    public TrackFailure(TrackObjectRange range, BrazeApiException exception)
    {
        Range = range ?? throw new ArgumentNullException(nameof(range));
        Exception = exception ?? throw new ArgumentNullException(nameof(exception));
    }

    /// <summary>The objects of the failed request.</summary>
    public TrackObjectRange Range { get; }

    /// <summary>Why it failed.</summary>
    public BrazeApiException Exception { get; }
}

/// <summary>The outcome of <see cref="IBrazeClient.TrackAsync"/> over every HTTP request it took.</summary>
public sealed class TrackResult
{
    internal TrackResult(int attributes, int events, int purchases, int requests, IReadOnlyList<TrackError> errors, IReadOnlyList<TrackFailure> failures, IReadOnlyList<ValidationError>? warnings = null)
    {
        Warnings = warnings ?? [];
        AttributesProcessed = attributes;
        EventsProcessed = events;
        PurchasesProcessed = purchases;
        RequestCount = requests;
        Errors = errors;
        Failures = failures;
    }

    /// <summary>Sum of Braze's <c>attributes_processed</c>.</summary>
    public int AttributesProcessed { get; }

    /// <summary>Sum of Braze's <c>events_processed</c>.</summary>
    public int EventsProcessed { get; }

    /// <summary>Sum of Braze's <c>purchases_processed</c>.</summary>
    public int PurchasesProcessed { get; }

    /// <summary>HTTP requests made.</summary>
    public int RequestCount { get; }

    /// <summary>Minor errors: objects Braze did not apply although the request succeeded.</summary>
    public IReadOnlyList<TrackError> Errors { get; }

    /// <summary>HTTP requests that failed as a whole.</summary>
    public IReadOnlyList<TrackFailure> Failures { get; }

    /// <summary>
    /// What validation found acceptable but probably not what was meant, with the path in the caller's request: for
    /// example an array attribute longer than Braze keeps (<c>array_too_long</c>: sent, and Braze drops the oldest
    /// values). Warnings do not make <see cref="IsSuccess"/> false.
    /// </summary>
    public IReadOnlyList<ValidationError> Warnings { get; }

    /// <summary>True when every object was accepted.</summary>
    public bool IsSuccess => Errors.Count == 0 && Failures.Count == 0;

    /// <summary>True when <c>array[index]</c> of the caller's request was accepted (no minor error names it and its request did not fail).</summary>
    public bool IsAccepted(TrackArray array, int index)
    {
        foreach (var f in Failures)
        {
            if (f.Range.Contains(array, index))
            {
                return false;
            }
        }

        foreach (var e in Errors)
        {
            if (e.Array == array && e.Index == index)
            {
                return false;
            }

            // A minor error Braze did not attribute to an object makes every object of its request uncertain.
            if (e.Array is null && e.Range.Contains(array, index))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws when an object was not accepted: <see cref="BrazeTrackException"/> with this result.</summary>
    public TrackResult EnsureSuccess()
    {
        if (!IsSuccess)
        {
            throw new BrazeTrackException(this);
        }

        return this;
    }
}
