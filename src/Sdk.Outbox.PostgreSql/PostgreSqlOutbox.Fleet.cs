using System.Collections.Concurrent;
using Npgsql;

namespace Braze;

/// <summary>
/// The fleet's shared rate limits (<see cref="IBrazeRateLimitCoordinator"/>): each instance beats every
/// <see cref="PostgreSqlOutboxOptions.FleetHeartbeat"/> into <c>outbox_instances</c> and, in the same round trip,
/// counts the live instances (heard from within three beats) and reads the pauses in <c>outbox_pauses</c>. A 429 is
/// written there at once (in the background) and kept here, so this instance pauses at once and the others at their
/// next beat. Plain statements only: nothing depends on a session, so PgBouncer in transaction mode is fine.
/// </summary>
public sealed partial class PostgreSqlOutbox : IBrazeRateLimitCoordinator
{
    private readonly string _instancesTable;
    private readonly string _pausesTable;
    private readonly Timer _heartbeat;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pauses = new(StringComparer.Ordinal);
    private int _instances = 1;
    private int _beating;

    /// <inheritdoc />
    public int Instances => Volatile.Read(ref _instances);

    /// <inheritdoc />
    public DateTimeOffset? PausedUntil(string group) => _pauses.TryGetValue(group, out var until) ? until : null;

    /// <inheritdoc />
    public void Pause(string group, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(group);
        _pauses.AddOrUpdate(group, until, (_, known) => until > known ? until : known);
        _ = SharePauseAsync(group, until);
    }

    private async Task SharePauseAsync(string group, DateTimeOffset until)
    {
        try
        {
            await EnsureReadyAsync(CancellationToken.None).ConfigureAwait(false);
            await using var command = _dataSource.CreateCommand($"""
                INSERT INTO {_pausesTable} (grp, paused_until) VALUES (@grp, @until)
                ON CONFLICT (grp) DO UPDATE SET paused_until = greatest({_pausesTable}.paused_until, excluded.paused_until);
                """);
            command.Parameters.AddWithValue("grp", group);
            command.Parameters.AddWithValue("until", until.UtcDateTime);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or ObjectDisposedException or InvalidOperationException or TimeoutException or BrazeException)
        {
            // The others learn of the reset from their own 429 instead; this instance is paused already.
        }
    }

    /// <summary>One heartbeat: this instance is alive; how many are; which groups are paused. A failed beat keeps the last figures.</summary>
    internal async Task BeatAsync()
    {
        if (Volatile.Read(ref _disposed) != 0 || Interlocked.Exchange(ref _beating, 1) != 0)
        {
            return; // a slow beat is not stacked on
        }

        try
        {
            await EnsureReadyAsync(CancellationToken.None).ConfigureAwait(false);
            // Its own row counts whether or not the insert is visible to this statement's snapshot (it is not).
            await using var command = _dataSource.CreateCommand($"""
                WITH beat AS (
                    INSERT INTO {_instancesTable} (owner, seen_at) VALUES (@owner, now())
                    ON CONFLICT (owner) DO UPDATE SET seen_at = now()),
                gone AS (DELETE FROM {_instancesTable} WHERE seen_at < now() - interval '1 hour')
                SELECT 1 + (SELECT count(*) FROM {_instancesTable} WHERE seen_at > now() - @alive AND owner <> @owner),
                       array(SELECT grp FROM {_pausesTable} WHERE paused_until > now() ORDER BY grp),
                       array(SELECT paused_until FROM {_pausesTable} WHERE paused_until > now() ORDER BY grp);
                """);
            command.Parameters.AddWithValue("owner", Owner);
            command.Parameters.AddWithValue("alive", _options.FleetHeartbeat * 3);
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            if (await reader.ReadAsync().ConfigureAwait(false))
            {
                Volatile.Write(ref _instances, (int)Math.Clamp(reader.GetInt64(0), 1, int.MaxValue));
                var groups = reader.GetFieldValue<string[]>(1);
                var until = reader.GetFieldValue<DateTime[]>(2);
                for (var i = 0; i < groups.Length; i++)
                {
                    var at = new DateTimeOffset(DateTime.SpecifyKind(until[i], DateTimeKind.Utc));
                    _pauses.AddOrUpdate(groups[i], at, (_, known) => at > known ? at : known);
                }
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or ObjectDisposedException or InvalidOperationException or TimeoutException or BrazeException)
        {
            // The database is unreachable: keep the last share and pauses; the next beat tries again.
        }
        finally
        {
            Volatile.Write(ref _beating, 0);
        }
    }
}
