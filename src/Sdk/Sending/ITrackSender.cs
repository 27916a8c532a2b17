namespace Braze.Sending;

/// <summary>
/// The seam between background delivery and the sending layer: objects already validated and serialized go through
/// the same chunking and HTTP pipeline as <see cref="IBrazeClient.TrackAsync"/>, never a second path. Registered
/// beside <see cref="IBrazeClient"/> (both the one <see cref="BrazeClient"/>), so a user's decorator of
/// <see cref="IBrazeClient"/> never stands between the tracker and the pipeline.
/// </summary>
internal interface ITrackSender
{
    /// <summary>Sends the chunker's objects in as many requests as Braze's limits need, reporting every outcome.</summary>
    Task<TrackResult> SendChunksAsync(TrackChunker chunker, CancellationToken cancellationToken);

    /// <summary>The client's identity operations, which the tracker's own go through (one path, one order).</summary>
    IBrazeClient Client { get; }

    /// <summary>The tracker that keeps the client's identity operations in order with its items (set by the tracker).</summary>
    IUserOperationOrder? Order { get; set; }
}
