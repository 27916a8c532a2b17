using Npgsql;
using NpgsqlTypes;

namespace Braze;

/// <summary>
/// The tracker's outbox on PostgreSQL, shared by every instance of a service (a fleet): each instance holds the items it
/// appended or claimed under a lease (owner token and expiry), renewed while it runs; an instance that stops, crashes or
/// stalls past its lease leaves its items to the others. Claims are short transactions with <c>FOR UPDATE SKIP
/// LOCKED</c> (no row lock is held across HTTP), and completion is fenced: an instance whose lease was taken over
/// completes, defers or dead-letters nothing it no longer owns. Safe behind PgBouncer in transaction mode: no session
/// state, no LISTEN, and the schema migration takes a transaction-scoped advisory lock only.
/// </summary>
public sealed partial class PostgreSqlOutbox : IBrazeOutbox
{
    /// <summary>The schema version this code writes; older versions are migrated at open.</summary>
    public const int SchemaVersion = 3;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlOutboxOptions _options;
    private readonly string _items;
    private readonly string _deadLetters;
    private Lazy<Task> _ready;
    private readonly Timer _renewal;
    private readonly System.Diagnostics.Metrics.Meter _meter;
    private readonly bool _ownsMeter;
    private readonly System.Diagnostics.Metrics.Counter<long> _takenOverCounter;
    private long _takenOver;
    private int _disposed;

    /// <summary>Opens the outbox on <paramref name="options"/>' database; the schema is created or migrated on first use.</summary>
    /// <param name="options">Where and how.</param>
    /// <param name="meterFactory">Creates the <c>Braze.Sdk</c> meter for <c>braze.outbox.leases_taken_over</c> (a meter of its own when null).</param>
    public PostgreSqlOutbox(PostgreSqlOutboxOptions options, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        _items = $"{Quote(options.Schema)}.outbox_items";
        _deadLetters = $"{Quote(options.Schema)}.outbox_dead_letters";
        _ready = new Lazy<Task>(MigrateAsync, LazyThreadSafetyMode.ExecutionAndPublication);
        // A factory's meter is shared (the SDK's own metrics use it too) and the factory disposes it; only our own is ours to dispose.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new System.Diagnostics.Metrics.MeterOptions("Braze.Sdk")) ?? new System.Diagnostics.Metrics.Meter("Braze.Sdk");
        _takenOverCounter = _meter.CreateCounter<long>("braze.outbox.leases_taken_over", "{item}", "Items this instance claimed after another instance's lease on them expired (each may be sent twice).");
        var every = options.LeaseDuration / 3;
        _renewal = new Timer(_ => _ = RenewLeasesAsync(), null, every, every);
        _instancesTable = $"{Quote(options.Schema)}.outbox_instances";
        _pausesTable = $"{Quote(options.Schema)}.outbox_pauses";
        _heartbeat = new Timer(_ => _ = BeatAsync(), null, TimeSpan.Zero, options.FleetHeartbeat);
    }

    /// <summary>This instance's owner token: the lease owner of the items it holds.</summary>
    public Guid Owner { get; } = Guid.NewGuid();

    /// <summary>Items this instance claimed after another instance's lease on them had expired (each may be sent twice).</summary>
    public long LeasesTakenOver => Interlocked.Read(ref _takenOver);

    /// <inheritdoc />
    public async ValueTask<long[]> AppendAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return [];
        }

        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand(InsertSql(owned: true));
        command.Parameters.AddWithValue("owner", Owner);
        command.Parameters.AddWithValue("lease", _options.LeaseDuration);
        return await InsertAsync(command, entries, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The insert of a batch: held by this instance from the start (appended by its tracker), or by nobody (enqueued in a caller's transaction).</summary>
    private string InsertSql(bool owned) => $"""
        INSERT INTO {_items} (id, array_kind, payload, enqueued_at, user_key, lease_owner, lease_until)
        SELECT nextval(pg_get_serial_sequence('{_items}', 'id')), k, p, t, u, {(owned ? "@owner, now() + @lease" : "NULL, NULL")}
        FROM unnest(@kinds, @payloads, @times, @users) WITH ORDINALITY AS x(k, p, t, u, ord) ORDER BY ord
        RETURNING id;
        """;

    private static async ValueTask<long[]> InsertAsync(NpgsqlCommand command, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        var kinds = new short[entries.Count];
        var payloads = new byte[entries.Count][];
        var times = new DateTime[entries.Count];
        var users = new string?[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            kinds[i] = (short)entries[i].Array;
            payloads[i] = entries[i].Payload.ToArray();
            times[i] = entries[i].EnqueuedAt.UtcDateTime;
            users[i] = entries[i].UserKey;
        }

        // Ids come from the sequence in the rows' order, so sorting them gives the entries' order whatever RETURNING's is.
        command.Parameters.AddWithValue("kinds", kinds);
        command.Parameters.AddWithValue("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea, payloads);
        command.Parameters.AddWithValue("times", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, times);
        command.Parameters.AddWithValue("users", NpgsqlDbType.Array | NpgsqlDbType.Text, users);
        var ids = new List<long>(entries.Count);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        ids.Sort();
        return [.. ids];
    }

    /// <summary>
    /// Enqueues every object of <paramref name="request"/> in the caller's own database transaction (an
    /// <see cref="NpgsqlTransaction"/>, or EF Core's <c>Database.CurrentTransaction.GetDbTransaction()</c> on Npgsql):
    /// the items exist only if that transaction commits, and are never sent if it rolls back. They belong to no
    /// instance, so the first tracker of the fleet to look (every <c>Braze:Tracker:OutboxClaimInterval</c>) claims and
    /// sends them. Validated like the tracker validates (<see cref="OutboxEntry.From"/>); returns their ids.
    /// </summary>
    public async ValueTask<long[]> EnqueueAsync(TrackRequest request, System.Data.Common.DbTransaction transaction, BrazeValidationOptions? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (transaction is not NpgsqlTransaction { Connection: { } connection } npgsql)
        {
            throw new ArgumentException("The transaction must be an open Npgsql transaction on the outbox's database.", nameof(transaction));
        }

        var entries = OutboxEntry.From(request, validation);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(InsertSql(owned: false), connection, npgsql);
        return await InsertAsync(command, entries, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutboxItem>> ClaimAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Claims take turns across the fleet (a transaction-scoped lock: fine behind PgBouncer), so the rule below reads
        // every other claim's result: a user's item is not claimed while an earlier item of that user is held by another
        // live instance (it waits until that one is delivered or let go), so one user's items are claimed in order.
        await using (var turn = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@name));", connection, transaction))
        {
            turn.Parameters.AddWithValue("name", "braze-outbox-claim:" + _options.Schema);
            await turn.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = new NpgsqlCommand($"""
            WITH due AS (
                SELECT id, lease_owner FROM {_items} AS o
                WHERE (o.lease_owner IS NULL OR o.lease_until < now())
                  AND (o.user_key IS NULL OR NOT EXISTS (
                      SELECT 1 FROM {_items} AS e
                      WHERE e.user_key = o.user_key AND e.lease_owner <> @owner AND e.lease_until >= now()
                        AND (e.enqueued_at, e.id) < (o.enqueued_at, o.id)))
                ORDER BY enqueued_at, id
                LIMIT @max
                FOR UPDATE SKIP LOCKED)
            UPDATE {_items} AS i SET lease_owner = @owner, lease_until = now() + @lease
            FROM due WHERE i.id = due.id
            RETURNING i.id, i.array_kind, i.payload, i.enqueued_at, i.attempts, i.next_attempt_at, due.lease_owner IS NOT NULL, i.user_key;
            """, connection, transaction);
        command.Parameters.AddWithValue("max", max);
        command.Parameters.AddWithValue("owner", Owner);
        command.Parameters.AddWithValue("lease", _options.LeaseDuration);
        var items = new List<OutboxItem>();
        var takenOver = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(new OutboxItem(
                    reader.GetInt64(0),
                    (TrackArray)reader.GetInt16(1),
                    (byte[])reader.GetValue(2),
                    new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero),
                    reader.GetInt32(4),
                    reader.IsDBNull(5) ? null : new DateTimeOffset(reader.GetDateTime(5), TimeSpan.Zero),
                    reader.IsDBNull(7) ? null : reader.GetString(7)));
                takenOver += reader.GetBoolean(6) ? 1 : 0;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        Interlocked.Add(ref _takenOver, takenOver);
        if (takenOver > 0)
        {
            _takenOverCounter.Add(takenOver);
        }
        items.Sort((a, b) => a.EnqueuedAt != b.EnqueuedAt ? a.EnqueuedAt.CompareTo(b.EnqueuedAt) : a.Id.CompareTo(b.Id));
        return items;
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
        => await ExecuteOwnedAsync($"DELETE FROM {_items} WHERE id = ANY(@ids) AND lease_owner = @owner;", ids, null, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DeferAsync(IReadOnlyList<long> ids, DateTimeOffset nextAttemptAt, string reason, CancellationToken cancellationToken)
        => await ExecuteOwnedAsync(
            $"UPDATE {_items} SET attempts = attempts + 1, next_attempt_at = @at, last_error = @reason WHERE id = ANY(@ids) AND lease_owner = @owner;",
            ids,
            c =>
            {
                c.Parameters.AddWithValue("at", nextAttemptAt.UtcDateTime);
                c.Parameters.AddWithValue("reason", reason ?? string.Empty);
            },
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DeadLetterAsync(IReadOnlyList<long> ids, string reason, CancellationToken cancellationToken)
        => await ExecuteOwnedAsync(
            $"""
            WITH gone AS (DELETE FROM {_items} WHERE id = ANY(@ids) AND lease_owner = @owner RETURNING array_kind, payload, enqueued_at, user_key)
            INSERT INTO {_deadLetters} (array_kind, payload, enqueued_at, dead_lettered_at, reason, user_key)
            SELECT array_kind, payload, enqueued_at, now(), @reason, user_key FROM gone;
            """,
            ids,
            c => c.Parameters.AddWithValue("reason", reason ?? string.Empty),
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand($"SELECT id, array_kind, payload, enqueued_at, dead_lettered_at, reason FROM {_deadLetters} ORDER BY id LIMIT @max;");
        command.Parameters.AddWithValue("max", max);
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var kind = reader.GetInt16(1);
            letters.Add(new DeadLetter(
                reader.GetInt64(0),
                Enum.IsDefined((TrackArray)kind) ? (TrackArray)kind : null,
                (byte[])reader.GetValue(2),
                new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero),
                new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero),
                reader.GetString(5)));
        }

        return letters;
    }

    /// <inheritdoc />
    public async ValueTask<int> ReplayDeadLettersAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand($"""
            WITH back AS (DELETE FROM {_deadLetters} WHERE id = ANY(@ids) RETURNING array_kind, payload, enqueued_at, user_key)
            INSERT INTO {_items} (array_kind, payload, enqueued_at, user_key) SELECT array_kind, payload, enqueued_at, user_key FROM back;
            """);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes, in one statement (one transaction), the stored items of the users <paramref name="userKeys"/> names
    /// that no live lease holds (none, or one that expired: left by an instance that stopped, replayed from the dead
    /// letters, or enqueued in a caller's transaction and not claimed yet), and every dead letter of those users;
    /// returns how many rows it removed, items and dead letters together. Items under a live lease are not removed:
    /// this instance's are its tracker's to purge, another instance's are in flight there. Rows stored without a user
    /// key (by a package before schema version 2) are never removed.
    /// </summary>
    public async ValueTask<int> PurgeAsync(IReadOnlyList<string> userKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userKeys);
        var keys = userKeys.Where(k => k is not null).Distinct(StringComparer.Ordinal).ToArray();
        if (keys.Length == 0)
        {
            return 0;
        }

        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        // A row a concurrent claim is taking is locked: the DELETE waits for it and then sees its new, live lease.
        await using var command = _dataSource.CreateCommand($"""
            WITH items AS (
                DELETE FROM {_items}
                WHERE user_key = ANY(@keys) AND (lease_owner IS NULL OR lease_until < now())
                RETURNING 1),
            letters AS (
                DELETE FROM {_deadLetters} WHERE user_key = ANY(@keys) RETURNING 1)
            SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM letters);
            """);
        command.Parameters.AddWithValue("keys", NpgsqlDbType.Array | NpgsqlDbType.Text, keys);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async ValueTask<long> CountNotHeldAsync(IReadOnlyList<string> userKeys, DateTimeOffset acceptedBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userKeys);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand($"SELECT count(*) FROM {_items} WHERE user_key = ANY(@keys) AND enqueued_at < @before AND lease_owner IS DISTINCT FROM @owner;");
        command.Parameters.AddWithValue("keys", userKeys.Where(k => k is not null).Distinct(StringComparer.Ordinal).ToArray());
        command.Parameters.AddWithValue("before", acceptedBefore.UtcDateTime);
        command.Parameters.AddWithValue("owner", Owner);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async ValueTask<OutboxStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand($"SELECT (SELECT count(*) FROM {_items}), (SELECT min(enqueued_at) FROM {_items}), (SELECT count(*) FROM {_deadLetters});");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new OutboxStats(reader.GetInt64(0), reader.IsDBNull(1) ? null : new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero), reader.GetInt64(2));
    }

    /// <summary>
    /// Stops renewing the leases and hands the items this instance holds back to the fleet at once (their leases end
    /// now), so another instance claims them without waiting for the lease to expire.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _renewal.DisposeAsync().ConfigureAwait(false);
        await _heartbeat.DisposeAsync().ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _ready) is { IsValueCreated: true, Value.IsCompletedSuccessfully: true })
            {
                // Leaves the fleet (the others' share of the rate limits grows at their next beat) and hands its items back.
                await using var command = _dataSource.CreateCommand($"DELETE FROM {_instancesTable} WHERE owner = @owner; UPDATE {_items} SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = @owner;");
                command.Parameters.AddWithValue("owner", Owner);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
            // The database is gone: the leases simply expire and another instance takes the items over.
        }
        finally
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
            if (_ownsMeter)
            {
                _meter.Dispose();
            }
        }
    }

    /// <summary>
    /// Extends the lease of every item this instance holds, and with <see cref="PostgreSqlOutboxOptions.DeadLetterRetention"/>
    /// deletes up to 1,000 expired dead letters (a small batch per tick, never a long lock). A failure is retried at the
    /// next tick (the lease is three ticks long).
    /// </summary>
    internal async Task<int> RenewLeasesAsync()
    {
        if (Volatile.Read(ref _disposed) != 0 || Volatile.Read(ref _ready) is not { IsValueCreated: true, Value.IsCompletedSuccessfully: true })
        {
            return 0;
        }

        try
        {
            await using var command = _dataSource.CreateCommand($"UPDATE {_items} SET lease_until = now() + @lease WHERE lease_owner = @owner;");
            command.Parameters.AddWithValue("lease", _options.LeaseDuration);
            command.Parameters.AddWithValue("owner", Owner);
            var renewed = await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            if (_options.DeadLetterRetention is { } retention)
            {
                await using var cleanup = _dataSource.CreateCommand($"DELETE FROM {_deadLetters} WHERE id IN (SELECT id FROM {_deadLetters} WHERE dead_lettered_at < now() - @retention ORDER BY id LIMIT 1000);");
                cleanup.Parameters.AddWithValue("retention", retention);
                await cleanup.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            return renewed;
        }
        catch (Exception ex) when (ex is NpgsqlException or ObjectDisposedException or InvalidOperationException)
        {
            return 0;
        }
    }

    private async ValueTask ExecuteOwnedAsync(string sql, IReadOnlyList<long> ids, Action<NpgsqlCommand>? parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }

        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        command.Parameters.AddWithValue("owner", Owner);
        parameters?.Invoke(command);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        // A migration that failed (the database was not reachable yet) is tried again by the next caller, not cached
        // for the life of the process: the first heartbeat runs at construction, possibly before the database is up.
        var ready = Volatile.Read(ref _ready);
        if (ready.IsValueCreated && ready.Value.IsFaulted)
        {
            Interlocked.CompareExchange(ref _ready, new Lazy<Task>(MigrateAsync, LazyThreadSafetyMode.ExecutionAndPublication), ready);
            ready = Volatile.Read(ref _ready);
        }

        return ready.Value.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Creates the schema, or migrates it to <see cref="SchemaVersion"/>, in one transaction under a transaction-scoped
    /// advisory lock (so instances starting together do it once, and PgBouncer in transaction mode is fine). A database
    /// written by a newer version is refused, naming both versions.
    /// </summary>
    private async Task MigrateAsync()
    {
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        var schema = Quote(_options.Schema);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@name));", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("name", "braze-outbox:" + _options.Schema);
            await lockCommand.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await using (var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {schema}; CREATE TABLE IF NOT EXISTS {schema}.outbox_schema (version integer NOT NULL);", connection, transaction))
        {
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        int version;
        await using (var read = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {schema}.outbox_schema;", connection, transaction))
        {
            version = Convert.ToInt32(await read.ExecuteScalarAsync().ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (version > SchemaVersion)
        {
            throw new BrazeException($"The Braze outbox in schema '{_options.Schema}' has format version {version}, newer than this SDK's {SchemaVersion}; upgrade Braze.Sdk.Outbox.PostgreSql on every instance.");
        }

        if (version < 1)
        {
            await using var v1 = new NpgsqlCommand($"""
                CREATE TABLE {_items} (
                    id bigserial PRIMARY KEY,
                    array_kind smallint NOT NULL,
                    payload bytea NOT NULL,
                    enqueued_at timestamptz NOT NULL,
                    attempts integer NOT NULL DEFAULT 0,
                    next_attempt_at timestamptz NULL,
                    last_error text NULL,
                    lease_owner uuid NULL,
                    lease_until timestamptz NULL);
                CREATE INDEX outbox_items_claim ON {_items} (enqueued_at, id);
                CREATE INDEX outbox_items_owner ON {_items} (lease_owner);
                CREATE TABLE {_deadLetters} (
                    id bigserial PRIMARY KEY,
                    array_kind smallint NOT NULL,
                    payload bytea NOT NULL,
                    enqueued_at timestamptz NOT NULL,
                    dead_lettered_at timestamptz NOT NULL,
                    reason text NOT NULL);
                INSERT INTO {schema}.outbox_schema (version) VALUES (1);
                """, connection, transaction);
            await v1.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        if (version < 2)
        {
            // The user an item is for, so that a purge finds a deleted user's items; rows written before keep NULL
            // (unknown), and a purge never removes those. Adding a nullable column without a default rewrites nothing.
            await using var v2 = new NpgsqlCommand($"""
                ALTER TABLE {_items} ADD COLUMN IF NOT EXISTS user_key text NULL;
                ALTER TABLE {_deadLetters} ADD COLUMN IF NOT EXISTS user_key text NULL;
                CREATE INDEX IF NOT EXISTS outbox_items_user_key ON {_items} (user_key);
                INSERT INTO {schema}.outbox_schema (version) VALUES (2);
                """, connection, transaction);
            await v2.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        if (version < 3)
        {
            // The fleet's shared rate-limit state: who is alive (each instance's heartbeat) and which groups a 429 paused.
            await using var v3 = new NpgsqlCommand($"""
                CREATE TABLE IF NOT EXISTS {_instancesTable} (owner uuid PRIMARY KEY, seen_at timestamptz NOT NULL);
                CREATE TABLE IF NOT EXISTS {_pausesTable} (grp text PRIMARY KEY, paused_until timestamptz NOT NULL);
                INSERT INTO {schema}.outbox_schema (version) VALUES (3);
                """, connection, transaction);
            await v3.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>How a <see cref="PostgreSqlOutbox"/> connects and holds items.</summary>
public sealed class PostgreSqlOutboxOptions
{
    /// <summary>The Npgsql connection string (a pooler such as PgBouncer in transaction mode is fine).</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The schema of the outbox's tables, created when missing. Default <c>braze</c>; one schema per workspace.</summary>
    public string Schema { get; set; } = "braze";

    /// <summary>
    /// How long an instance holds an item without renewing (it renews every third of it while it runs). An instance
    /// paused or cut off for longer loses its items to the others. Default 2 minutes.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long dead letters are kept before the outbox deletes them, in batches of 1,000 per lease renewal. Default
    /// null: kept until replayed or deleted by hand.
    /// </summary>
    public TimeSpan? DeadLetterRetention { get; set; }

    /// <summary>
    /// How often the instance tells the fleet it is alive and reads which rate-limit groups a 429 paused (an instance
    /// unheard of for three beats no longer counts). Default 1 second.
    /// </summary>
    public TimeSpan FleetHeartbeat { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether the instances using this outbox share the workspace's rate limits (<see cref="IBrazeRateLimitCoordinator"/>):
    /// each keeps to its share, and a 429 pauses them all. Default true; turn it off when the instances send to
    /// different workspaces through one schema (they should not), or when something else coordinates them.
    /// </summary>
    public bool ShareRateLimits { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (FleetHeartbeat < TimeSpan.FromMilliseconds(100) || FleetHeartbeat > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"FleetHeartbeat must be between 100 ms and 1 minute; it is {FleetHeartbeat}.", nameof(FleetHeartbeat));
        }

        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("ConnectionString is required.", nameof(ConnectionString));
        }

        if (string.IsNullOrEmpty(Schema) || Schema.Length > 63 || !(char.IsAsciiLetterLower(Schema[0]) || Schema[0] == '_')
            || !Schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ArgumentException($"Schema must be a plain PostgreSQL identifier (lower-case letters, digits and _, at most 63 characters); it is '{Schema}'.", nameof(Schema));
        }

        if (DeadLetterRetention is { } retention && retention <= TimeSpan.Zero)
        {
            throw new ArgumentException("DeadLetterRetention must be positive (or null to keep dead letters).", nameof(DeadLetterRetention));
        }

        if (LeaseDuration < TimeSpan.FromSeconds(3))
        {
            throw new ArgumentException("LeaseDuration must be at least 3 seconds (leases are renewed every third of it).", nameof(LeaseDuration));
        }
    }
}
