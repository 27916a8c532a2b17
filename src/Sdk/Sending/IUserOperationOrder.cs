namespace Braze.Sending;

/// <summary>
/// What keeps a workspace's identity operations in causal order with the items its background tracker queued: an
/// operation runs once every earlier item of its users completed (or, for a deletion, was purged instead: sent later,
/// it would create the profile again), and the items of those users queued after it wait until it ended. Braze
/// documents that a <c>/users/track</c> by an alias sent right after <c>/users/alias/new</c> may be processed before
/// the alias exists; this is the order a caller meant. Implemented by the tracker; the client asks it when there is one.
/// </summary>
internal interface IUserOperationOrder
{
    /// <summary>
    /// Runs <paramref name="send"/> in order for <paramref name="users"/> and returns how many queued items it purged
    /// first (always 0 unless <paramref name="purge"/>).
    /// </summary>
    Task<int> RunAsync(IReadOnlyCollection<UserId> users, bool purge, Func<Task> send, CancellationToken cancellationToken);
}
