using Microsoft.Data.Sqlite;

namespace Braze.Delivery;

/// <summary>
/// The single-host <see cref="ITrackOutbox"/>: one SQLite file (WAL) holding every accepted-but-not-completed item as
/// the JSON object it will be sent as, with the array it belongs to.
/// </summary>
internal sealed class SqliteOutbox : ITrackOutbox
{
    private readonly SqliteConnection _connection;
    private readonly object _gate = new();
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _delete;

    public SqliteOutbox(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            _connection.Open();
            Execute("PRAGMA journal_mode=WAL;");
            Execute("PRAGMA synchronous=NORMAL;");
            Execute("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER NOT NULL, payload BLOB NOT NULL, enqueued_at TEXT NOT NULL);");
        }
        catch (SqliteException ex)
        {
            // Closed at once: a caller that retries must not leak a file descriptor per attempt.
            _connection.Dispose();
            throw new BrazeException($"The Braze outbox file '{Path.GetFullPath(path)}' cannot be used (SQLite error {ex.SqliteErrorCode}: {ex.Message}). Nothing was queued; move the file aside or point Braze:Tracker:OutboxPath elsewhere.", ex);
        }

        _insert = _connection.CreateCommand();
        _insert.CommandText = "INSERT INTO outbox (kind, payload, enqueued_at) VALUES ($kind, $payload, $at); SELECT last_insert_rowid();";
        _insert.Parameters.Add("$kind", SqliteType.Integer);
        _insert.Parameters.Add("$payload", SqliteType.Blob);
        _insert.Parameters.Add("$at", SqliteType.Text);
        _delete = _connection.CreateCommand();
        _delete.CommandText = "DELETE FROM outbox WHERE id = $id;";
        _delete.Parameters.Add("$id", SqliteType.Integer);
    }

    public long Add(TrackArray array, byte[] payload, DateTimeOffset enqueuedAt)
    {
        lock (_gate)
        {
            _insert.Parameters[0].Value = (int)array;
            _insert.Parameters[1].Value = payload;
            _insert.Parameters[2].Value = enqueuedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            return (long)_insert.ExecuteScalar()!;
        }
    }

    public void Remove(IEnumerable<long> ids)
    {
        lock (_gate)
        {
            using var tx = _connection.BeginTransaction();
            _delete.Transaction = tx;
            foreach (var id in ids)
            {
                _delete.Parameters[0].Value = id;
                _delete.ExecuteNonQuery();
            }

            tx.Commit();
            _delete.Transaction = null;
        }
    }

    public IReadOnlyList<OutboxRow> ReadAll()
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT id, kind, payload FROM outbox ORDER BY id;";
            using var reader = cmd.ExecuteReader();
            var rows = new List<OutboxRow>();
            while (reader.Read())
            {
                rows.Add(new OutboxRow(reader.GetInt64(0), (TrackArray)reader.GetInt32(1), (byte[])reader.GetValue(2)));
            }

            return rows;
        }
    }

    public long Count()
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM outbox;";
            return (long)cmd.ExecuteScalar()!;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _insert.Dispose();
            _delete.Dispose();
            _connection.Dispose();
        }
    }

    private void Execute(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
