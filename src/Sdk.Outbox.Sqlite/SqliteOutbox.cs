using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Braze;

/// <summary>
/// The single-host <see cref="IBrazeOutbox"/>: one SQLite file (WAL) that one process owns at a time, holding every
/// accepted-but-unfinished item as the JSON object it is sent as, with its attempts and next attempt time, and the
/// dead letters with their reasons. Writes are synchronous under one lock: the tracker groups appends into one
/// transaction, so many concurrent callers share one commit.
/// </summary>
public sealed class SqliteOutbox : IBrazeOutbox, IDisposable
{
    // user_version 0 with an outbox table is the first format (id, kind, payload, enqueued_at as ISO text); 2 added
    // attempts, next_attempt_at, last_error, owner and the dead letters; 3 added user_key to both tables.
    private const int SchemaVersion = 3;

    // Keys per DELETE of a purge: under SQLite's smallest limit of bound parameters (999 before 3.32), with room for $run.
    private const int PurgeBatch = 500;

    // enqueued_at has no type on purpose: UTC ticks are stored as integers, and the rare unreadable text kept as text.
    private const string OutboxColumns = "(id INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER NOT NULL, payload BLOB NOT NULL, enqueued_at NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, last_error TEXT, owner INTEGER, user_key TEXT)";

    private const string DeadLetterColumns = "(id INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER, payload BLOB, enqueued_at INTEGER, dead_lettered_at INTEGER NOT NULL, reason TEXT NOT NULL, user_key TEXT)";

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly long _run;
    private bool _disposed;

    // The hot statements are prepared once and reused under the lock. A command per write cost a statement preparation
    // and, in Microsoft.Data.Sqlite, a finalizable WeakReference the connection tracks every command with (BEGIN and
    // COMMIT included): thousands a second at full load, each surviving its first collection on the finalization queue,
    // which carried them into gen1 and gen2.
    private SqliteCommand? _begin;
    private SqliteCommand? _commit;
    private SqliteCommand? _rollback;
    private SqliteCommand? _insert;
    private SqliteCommand? _delete;

    /// <summary>Opens (or creates) the outbox file <paramref name="path"/>.</summary>
    /// <exception cref="BrazeException">The file is used by another process, is damaged, or cannot be written.</exception>
    public SqliteOutbox(string path)
        : this(new SqliteOutboxOptions { Path = path })
    {
    }

    /// <summary>Opens (or creates) the outbox file <see cref="SqliteOutboxOptions.Path"/>.</summary>
    /// <exception cref="BrazeException">The file is used by another process, is damaged (and moving it aside was not asked for), or cannot be written.</exception>
    public SqliteOutbox(SqliteOutboxOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Path);
        _time = timeProvider ?? TimeProvider.System;
        Path = System.IO.Path.GetFullPath(options.Path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        try
        {
            (_connection, _run) = Open(Path, options.LockTimeout);
        }
        catch (BrazeException) when (options.MoveDamagedFileAside && File.Exists(Path) && IsDamaged(Path, options.LockTimeout))
        {
            MovedAsidePath = MoveAside(Path, _time.GetUtcNow());
            (_connection, _run) = Open(Path, options.LockTimeout);
        }
    }

    /// <summary>The full path of the outbox file.</summary>
    public string Path { get; }

    /// <summary>Where a damaged file was moved when <see cref="SqliteOutboxOptions.MoveDamagedFileAside"/> was set and it was needed; otherwise null.</summary>
    public string? MovedAsidePath { get; }

    /// <inheritdoc />
    public ValueTask<long[]> AppendAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var ids = new long[entries.Count];
        Write(() =>
        {
            var insert = _insert ??= Command("INSERT INTO outbox (kind, payload, enqueued_at, attempts, owner, user_key) VALUES ($kind, $payload, $at, 0, $run, $user) RETURNING id;", "$kind", "$payload", "$at", "$run", "$user");
            insert.Parameters[3].Value = _run;
            for (var i = 0; i < entries.Count; i++)
            {
                insert.Parameters[0].Value = (int)entries[i].Array;
                insert.Parameters[1].Value = entries[i].Payload.ToArray();
                insert.Parameters[2].Value = entries[i].EnqueuedAt.UtcTicks;
                insert.Parameters[4].Value = (object?)entries[i].UserKey ?? DBNull.Value;
                ids[i] = (long)insert.ExecuteScalar()!;
            }
        });
        return ValueTask.FromResult(ids);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OutboxItem>> ClaimAsync(int max, CancellationToken cancellationToken)
    {
        var items = new List<OutboxItem>();
        Write(() =>
        {
            using var select = Command("SELECT id, kind, payload, enqueued_at, attempts, next_attempt_at, user_key FROM outbox WHERE owner IS NOT $run ORDER BY id LIMIT $max;", "$run", "$max");
            using var own = Command("UPDATE outbox SET owner = $run WHERE id = $id;", "$run", "$id");
            select.Parameters[0].Value = own.Parameters[0].Value = _run;
            while (items.Count < max)
            {
                select.Parameters[1].Value = max - items.Count;
                var rows = new List<(long Id, OutboxItem? Item, string? Problem)>();
                using (var reader = select.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        rows.Add(Decode(reader));
                    }
                }

                if (rows.Count == 0)
                {
                    break;
                }

                foreach (var (id, item, problem) in rows)
                {
                    if (item is null)
                    {
                        // One row nobody can send goes to the dead letters alone; its neighbours are claimed as usual.
                        MoveToDeadLetters(id, "The stored row cannot be sent: " + problem);
                        continue;
                    }

                    own.Parameters[1].Value = id;
                    own.ExecuteNonQuery();
                    items.Add(item);
                }
            }
        });
        return ValueTask.FromResult<IReadOnlyList<OutboxItem>>(items);
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        Write(() =>
        {
            var delete = _delete ??= Command("DELETE FROM outbox WHERE id = $id;", "$id");
            foreach (var id in ids)
            {
                delete.Parameters[0].Value = id;
                delete.ExecuteNonQuery();
            }
        });
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DeferAsync(IReadOnlyList<long> ids, DateTimeOffset nextAttemptAt, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        Write(() =>
        {
            using var update = Command("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $next, last_error = $reason WHERE id = $id;", "$id", "$next", "$reason");
            update.Parameters[1].Value = nextAttemptAt.UtcTicks;
            update.Parameters[2].Value = reason ?? string.Empty;
            foreach (var id in ids)
            {
                update.Parameters[0].Value = id;
                update.ExecuteNonQuery();
            }
        });
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DeadLetterAsync(IReadOnlyList<long> ids, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        Write(() =>
        {
            foreach (var id in ids)
            {
                MoveToDeadLetters(id, reason ?? string.Empty);
            }
        });
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        var letters = new List<DeadLetter>();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var select = Command("SELECT id, kind, payload, enqueued_at, dead_lettered_at, reason FROM dead_letter ORDER BY id LIMIT $max;", "$max");
            select.Parameters[0].Value = max;
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var kind = reader.IsDBNull(1) ? -1 : reader.GetInt64(1);
                letters.Add(new DeadLetter(
                    reader.GetInt64(0),
                    Enum.IsDefined(typeof(TrackArray), (int)kind) ? (TrackArray)kind : null,
                    reader.IsDBNull(2) ? [] : reader.GetValue(2) as byte[] ?? [],
                    ReadTime(reader, 3) ?? DateTimeOffset.MinValue,
                    ReadTime(reader, 4) ?? DateTimeOffset.MinValue,
                    reader.IsDBNull(5) ? string.Empty : reader.GetString(5)));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<DeadLetter>>(letters);
    }

    /// <inheritdoc />
    public ValueTask<int> ReplayDeadLettersAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var moved = 0;
        Write(() =>
        {
            // A new item: no owner (the running tracker claims it), no attempts, and its age starts now.
            using var copy = Command("INSERT INTO outbox (kind, payload, enqueued_at, attempts, user_key) SELECT kind, payload, $now, 0, user_key FROM dead_letter WHERE id = $id;", "$id", "$now");
            using var delete = Command("DELETE FROM dead_letter WHERE id = $id;", "$id");
            copy.Parameters[1].Value = _time.GetUtcNow().UtcTicks;
            foreach (var id in ids)
            {
                copy.Parameters[0].Value = delete.Parameters[0].Value = id;
                if (copy.ExecuteNonQuery() > 0)
                {
                    delete.ExecuteNonQuery();
                    moved++;
                }
            }
        });
        return ValueTask.FromResult(moved);
    }

    /// <summary>
    /// Removes, in one transaction, the stored items of the users <paramref name="userKeys"/> names that this run does
    /// not hold (left by an earlier run, or replayed from the dead letters and not claimed yet), and every dead letter
    /// of those users; returns how many rows it removed, items and dead letters together. Items this run appended or
    /// claimed are its tracker's to purge. Rows stored without a user key (by an SDK before format 3) are never removed.
    /// </summary>
    public ValueTask<int> PurgeAsync(IReadOnlyList<string> userKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userKeys);
        var keys = userKeys.Where(k => k is not null).Distinct(StringComparer.Ordinal).ToArray();
        if (keys.Length == 0)
        {
            return ValueTask.FromResult(0);
        }

        var removed = 0;
        Write(() =>
        {
            for (var start = 0; start < keys.Length; start += PurgeBatch)
            {
                var batch = keys.AsSpan(start, Math.Min(PurgeBatch, keys.Length - start));
                var names = new string[batch.Length];
                for (var i = 0; i < names.Length; i++)
                {
                    names[i] = "$k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                var list = string.Join(", ", names);
                using var items = Command($"DELETE FROM outbox WHERE user_key IN ({list}) AND owner IS NOT $run;", [.. names, "$run"]);
                using var letters = Command($"DELETE FROM dead_letter WHERE user_key IN ({list});", names);
                for (var i = 0; i < names.Length; i++)
                {
                    items.Parameters[i].Value = letters.Parameters[i].Value = batch[i];
                }

                items.Parameters[names.Length].Value = _run;
                removed += items.ExecuteNonQuery();
                removed += letters.ExecuteNonQuery();
            }
        });
        return ValueTask.FromResult(removed);
    }

    /// <inheritdoc />
    public ValueTask<long> CountNotHeldAsync(IReadOnlyList<string> userKeys, DateTimeOffset acceptedBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userKeys);
        var keys = userKeys.Where(k => k is not null).Distinct(StringComparer.Ordinal).ToArray();
        long count = 0;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (var start = 0; start < keys.Length; start += PurgeBatch)
            {
                var batch = keys.AsSpan(start, Math.Min(PurgeBatch, keys.Length - start));
                var names = new string[batch.Length];
                for (var i = 0; i < names.Length; i++)
                {
                    names[i] = "$k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                // enqueued_at holds UTC ticks (a rare unreadable text is not an integer, and not counted).
                using var select = Command($"SELECT COUNT(*) FROM outbox WHERE user_key IN ({string.Join(", ", names)}) AND owner IS NOT $run AND typeof(enqueued_at) = 'integer' AND enqueued_at < $before;", [.. names, "$run", "$before"]);
                for (var i = 0; i < names.Length; i++)
                {
                    select.Parameters[i].Value = batch[i];
                }

                select.Parameters[names.Length].Value = _run;
                select.Parameters[names.Length + 1].Value = acceptedBefore.UtcTicks;
                count += (long)select.ExecuteScalar()!;
            }
        }

        return ValueTask.FromResult(count);
    }

    /// <inheritdoc />
    public ValueTask<OutboxStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var outbox = Command("SELECT COUNT(*), MIN(enqueued_at) FROM outbox;");
            using var reader = outbox.ExecuteReader();
            reader.Read();
            var count = reader.GetInt64(0);
            var oldest = ReadTime(reader, 1);
            using var letters = Command("SELECT COUNT(*) FROM dead_letter;");
            return ValueTask.FromResult(new OutboxStats(count, oldest, (long)letters.ExecuteScalar()!));
        }
    }

    /// <summary>Closes the file (and gives up ownership of it). Safe to call more than once.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var command in new[] { _begin, _commit, _rollback, _insert, _delete })
            {
                command?.Dispose();
            }

            _connection.Dispose();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static (SqliteConnection Connection, long Run) Open(string path, TimeSpan lockTimeout)
    {
        if (File.Exists(path) && new FileInfo(path).Length == 0)
        {
            // SQLite would silently start an empty database here; this SDK never leaves an empty file behind, so a
            // zero-length outbox is one that lost its contents (truncated, or a copy that failed).
            throw Damaged(path, "the file is empty (0 bytes), so its items are lost or elsewhere", new InvalidDataException("The outbox file is empty."));
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)lockTimeout.TotalSeconds),
        }.ToString());
        try
        {
            connection.Open();
            // One process owns the file: the first write takes SQLite's exclusive lock and keeps it until the
            // connection closes, so a second process gets SQLITE_BUSY below instead of sending everything again.
            Execute(connection, "PRAGMA locking_mode=EXCLUSIVE;");
            Execute(connection, "PRAGMA journal_mode=WAL;");
            Execute(connection, "PRAGMA synchronous=NORMAL;");
            using var tx = connection.BeginTransaction(deferred: false);
            Migrate(connection);
            Execute(connection, "INSERT INTO meta (key, value) VALUES ('run', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1;");
            var run = (long)Scalar(connection, "SELECT value FROM meta WHERE key = 'run';")!;
            tx.Commit();
            return (connection, run);
        }
        catch (BrazeException)
        {
            connection.Dispose();
            throw;
        }
        catch (SqliteException ex)
        {
            // Closed at once: a caller that retries must not leak a file descriptor per attempt.
            connection.Dispose();
            throw ex.SqliteErrorCode switch
            {
                5 or 6 => new BrazeException($"The Braze outbox file '{path}' is in use by another process; one process owns an outbox file at a time. Give each process its own file (or wait for the other one to stop).", ex),
                8 => new BrazeException($"The Braze outbox file '{path}' is read-only (SQLite error 8: {ex.Message}). Nothing was queued; make it writable or point the outbox elsewhere.", ex),
                _ => Damaged(path, $"SQLite error {ex.SqliteErrorCode}: {ex.Message}", ex),
            };
        }
    }

    private static BrazeException Damaged(string path, string detail, Exception? inner = null)
        => new($"The Braze outbox file '{path}' cannot be used ({detail}). Nothing was queued; move the file aside (or set MoveDamagedFileAside) or point the outbox elsewhere.", inner);

    private static void Migrate(SqliteConnection connection)
    {
        var version = (long)Scalar(connection, "PRAGMA user_version;")!;
        if (version > SchemaVersion)
        {
            // Not damaged: a newer SDK wrote it, and its items are that SDK's to send.
            throw new BrazeException($"The Braze outbox file '{System.IO.Path.GetFullPath(connection.DataSource)}' has outbox format {version}, newer than this SDK's {SchemaVersion}: a newer version of Braze.Sdk.Outbox.Sqlite wrote it. Nothing was queued; run that version, or point the outbox elsewhere.");
        }

        Execute(connection, "CREATE TABLE IF NOT EXISTS outbox " + OutboxColumns + ";");
        if (version < 2)
        {
            if (!HasColumn(connection, "outbox", "attempts"))
            {
                // The first format declared enqueued_at TEXT, and a TEXT column turns every tick count written into it
                // back into text, which no reader takes for a time: adding the columns is not enough, the table is
                // rebuilt (ids kept). Its ISO 8601 text becomes UTC ticks (julianday 1721425.5 is 0001-01-01; julianday
                // keeps milliseconds, so the product is rounded to one). Text julianday cannot read stays as it was:
                // that row alone goes to the dead letters when claimed, instead of the whole file failing to open.
                Execute(connection, "CREATE TABLE outbox_v2 " + OutboxColumns + ";");
                Execute(connection, "INSERT INTO outbox_v2 (id, kind, payload, enqueued_at) SELECT id, kind, payload, COALESCE(CAST(ROUND((julianday(enqueued_at) - 1721425.5) * 86400000) AS INTEGER) * 10000, enqueued_at) FROM outbox ORDER BY id;");
                Execute(connection, "DROP TABLE outbox;");
                Execute(connection, "ALTER TABLE outbox_v2 RENAME TO outbox;");
            }

            Execute(connection, "CREATE TABLE IF NOT EXISTS dead_letter " + DeadLetterColumns + ";");
            Execute(connection, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);");
        }

        if (version < 3)
        {
            // The user an item is for, so that a purge finds a deleted user's items; rows of older formats keep NULL
            // (unknown), and a purge never removes those. A table created or rebuilt above has the column already.
            foreach (var table in new[] { "outbox", "dead_letter" })
            {
                if (!HasColumn(connection, table, "user_key"))
                {
                    Execute(connection, $"ALTER TABLE {table} ADD COLUMN user_key TEXT;");
                }
            }

            Execute(connection, "CREATE INDEX IF NOT EXISTS outbox_user_key ON outbox (user_key);");
            Execute(connection, $"PRAGMA user_version = {SchemaVersion};");
        }
    }

    private static string? ReadText(SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static bool HasColumn(SqliteConnection connection, string table, string column)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}';";
        return (long)cmd.ExecuteScalar()! > 0;
    }

    /// <summary>
    /// Whether the file itself is damaged: empty, not a database, or corrupt. Only such a file is moved aside; one that is
    /// busy, read-only, on a full or failing disk, of a newer SDK's format or another program's database still holds
    /// what it held, and renaming it would hide that from the next run.
    /// </summary>
    private static bool IsDamaged(string path, TimeSpan lockTimeout)
    {
        try
        {
            Open(path, lockTimeout).Connection.Dispose();
            return false;
        }
        catch (BrazeException ex) when (ex.InnerException is InvalidDataException or SqliteException { SqliteErrorCode: 11 or 26 })
        {
            // InvalidDataException: the empty file. 11 is SQLITE_CORRUPT, 26 SQLITE_NOTADB.
            return true;
        }
        catch (BrazeException)
        {
            return false;
        }
    }

    private static string MoveAside(string path, DateTimeOffset now)
    {
        var aside = $"{path}.damaged-{now.UtcDateTime:yyyyMMddTHHmmssZ}";
        File.Move(path, aside);
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            if (File.Exists(path + suffix))
            {
                File.Move(path + suffix, aside + suffix);
            }
        }

        return aside;
    }

    private static (long Id, OutboxItem? Item, string? Problem) Decode(SqliteDataReader reader)
    {
        var id = reader.GetInt64(0);
        var kind = reader.IsDBNull(1) ? -1 : reader.GetInt64(1);
        if (!Enum.IsDefined(typeof(TrackArray), (int)kind))
        {
            return (id, null, $"it names array {kind}, which /users/track does not have");
        }

        if (reader.IsDBNull(2) || reader.GetValue(2) is not byte[] payload || !IsJsonObject(payload))
        {
            return (id, null, "its payload is not a JSON object");
        }

        var enqueued = ReadTime(reader, 3);
        if (enqueued is null)
        {
            return (id, null, "its time of acceptance is unreadable");
        }

        return (id, new OutboxItem(id, (TrackArray)kind, payload, enqueued.Value, reader.IsDBNull(4) ? 0 : reader.GetInt32(4), ReadTime(reader, 5), ReadText(reader, 6)), null);
    }

    private static bool IsJsonObject(byte[] payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static DateTimeOffset? ReadTime(SqliteDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        return reader.GetValue(ordinal) switch
        {
            long ticks when ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks => new DateTimeOffset(ticks, TimeSpan.Zero),
            string text when DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
            _ => null,
        };
    }

    private void MoveToDeadLetters(long id, string reason)
    {
        using var copy = Command("INSERT INTO dead_letter (kind, payload, enqueued_at, dead_lettered_at, reason, user_key) SELECT kind, payload, enqueued_at, $now, $reason, user_key FROM outbox WHERE id = $id;", "$id", "$now", "$reason");
        copy.Parameters[0].Value = id;
        copy.Parameters[1].Value = _time.GetUtcNow().UtcTicks;
        copy.Parameters[2].Value = reason;
        copy.ExecuteNonQuery();
        using var delete = Command("DELETE FROM outbox WHERE id = $id;", "$id");
        delete.Parameters[0].Value = id;
        delete.ExecuteNonQuery();
    }

    /// <summary>
    /// Runs <paramref name="body"/> in one transaction under the lock: one commit however many rows it writes. The
    /// transaction is begun and ended by reused statements, not a <see cref="SqliteTransaction"/>, so commands created
    /// before it (the cached ones) take part without being assigned to it.
    /// </summary>
    private void Write(Action body)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            (_begin ??= Command("BEGIN IMMEDIATE;")).ExecuteNonQuery();
            try
            {
                body();
                (_commit ??= Command("COMMIT;")).ExecuteNonQuery();
            }
            catch
            {
                try
                {
                    (_rollback ??= Command("ROLLBACK;")).ExecuteNonQuery();
                }
                catch (SqliteException)
                {
                    // No transaction left to roll back (a failed COMMIT may have ended it): the original error tells.
                }

                throw;
            }
        }
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var name in parameters)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return cmd;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}

/// <summary>Settings of <see cref="SqliteOutbox"/>.</summary>
public sealed class SqliteOutboxOptions
{
    /// <summary>Path of the outbox file; its folder is created when missing. One process owns a file at a time.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// When the file is damaged (not a database, or truncated to nothing), rename it to <c>PATH.damaged-TIMESTAMP</c>
    /// and start an empty outbox, instead of refusing to start. Default false: a damaged outbox stops the tracker with an
    /// error naming the file, because what it held may still be recovered by hand.
    /// </summary>
    public bool MoveDamagedFileAside { get; set; }

    /// <summary>How long opening waits for another process to let go of the file before it reports it in use. Default 2 seconds.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
