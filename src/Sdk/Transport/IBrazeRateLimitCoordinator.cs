namespace Braze;

/// <summary>
/// Shares one workspace's rate limits between the processes that send to it (a fleet). Braze counts a workspace's
/// requests wherever they come from, so each process uses its share of every limit (1 / <see cref="Instances"/> of
/// the requests per window, and of what Braze reports as remaining), and a 429 one of them gets pauses the group in
/// all of them until Braze's reset: a fleet makes no 429s of its own. Register one per workspace as a keyed service
/// (the PostgreSQL outbox registers itself); without one a process has every limit to itself.
/// </summary>
public interface IBrazeRateLimitCoordinator
{
    /// <summary>How many processes share the workspace's limits now (at least 1).</summary>
    int Instances { get; }

    /// <summary>Until when the rate-limit group <paramref name="group"/> is paused by a 429 any process got; null (or a past time) when it is not.</summary>
    DateTimeOffset? PausedUntil(string group);

    /// <summary>
    /// This process got a 429 on <paramref name="group"/>: every process pauses the group until <paramref name="until"/>.
    /// Called on the request path: it must return at once (share it in the background) and never throw.
    /// </summary>
    void Pause(string group, DateTimeOffset until);
}
