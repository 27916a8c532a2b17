namespace Braze.Delivery;

/// <summary>One stored item of an outbox: its row id, the array it belongs to, and the JSON object it is sent as.</summary>
internal readonly record struct OutboxRow(long Id, TrackArray Array, byte[] Payload);

/// <summary>
/// The tracker's durable store of accepted-but-not-completed items. An item is added before its enqueue returns and
/// removed only after Braze accepted it or rejected that object for good, so a crash or kill loses nothing: the
/// next start sends what is left. <see cref="SqliteOutbox"/> is the single-host implementation.
/// </summary>
internal interface ITrackOutbox : IDisposable
{
    /// <summary>Stores an item; returns its row id (greater than zero).</summary>
    long Add(TrackArray array, byte[] payload, DateTimeOffset enqueuedAt);

    /// <summary>Removes the items with these row ids.</summary>
    void Remove(IEnumerable<long> ids);

    /// <summary>Every stored item, oldest first.</summary>
    IReadOnlyList<OutboxRow> ReadAll();

    /// <summary>How many items are stored.</summary>
    long Count();
}
