using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Braze.Wire;

namespace Braze.Emulator;

/// <summary>
/// Profiles, aliases, events, purchases and schedules in SQLite. Every operation runs under one lock and one
/// transaction, so concurrent requests never lose an update (8 writers doing <c>inc</c> on one profile add up),
/// and WAL keeps the file consistent when the process is killed.
/// </summary>
public sealed partial class ProfileStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly BrazeValidationOptions _limits;
    private long _clock;

    /// <summary>Opens (or creates) the store: a file, or private memory when <paramref name="path"/> is null.</summary>
    public ProfileStore(string? path, BrazeValidationOptions limits)
    {
        _limits = limits ?? throw new ArgumentNullException(nameof(limits));
        string dataSource;
        if (path is null)
        {
            dataSource = $"file:braze-emulator-{Guid.NewGuid():N}?mode=memory&cache=shared";
        }
        else
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            dataSource = path;
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dataSource, Pooling = false }.ToString());
        _connection.Open();
        if (path is not null)
        {
            Execute("PRAGMA journal_mode=WAL;");
            Execute("PRAGMA synchronous=NORMAL;");
        }

        Execute("""
            CREATE TABLE IF NOT EXISTS profiles (id INTEGER PRIMARY KEY AUTOINCREMENT, braze_id TEXT NOT NULL UNIQUE, external_id TEXT UNIQUE,
                email TEXT, phone TEXT, attributes TEXT NOT NULL, created_at TEXT NOT NULL, updated INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS profiles_email ON profiles(email);
            CREATE INDEX IF NOT EXISTS profiles_phone ON profiles(phone);
            CREATE TABLE IF NOT EXISTS aliases (profile_id INTEGER NOT NULL, alias_name TEXT NOT NULL, alias_label TEXT NOT NULL, UNIQUE(alias_label, alias_name));
            CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, profile_id INTEGER NOT NULL, name TEXT NOT NULL, time TEXT NOT NULL,
                properties TEXT, canonical TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS events_canonical ON events(canonical);
            CREATE TABLE IF NOT EXISTS purchases (id INTEGER PRIMARY KEY AUTOINCREMENT, profile_id INTEGER NOT NULL, product_id TEXT NOT NULL, currency TEXT NOT NULL,
                price REAL NOT NULL, quantity INTEGER NOT NULL, time TEXT NOT NULL, properties TEXT, canonical TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS deprecated_external_ids (profile_id INTEGER NOT NULL, external_id TEXT NOT NULL UNIQUE);
            CREATE TABLE IF NOT EXISTS schedules (id TEXT PRIMARY KEY, target TEXT NOT NULL, target_id TEXT NOT NULL, dispatch_id TEXT NOT NULL,
                body TEXT NOT NULL, send_time TEXT NOT NULL, created_at TEXT NOT NULL);
            """);
        using var cmd = Command("SELECT COALESCE(MAX(updated), 0) FROM profiles;");
        _clock = (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Applies the valid objects of a <c>/users/track</c> body (the rejected ones are skipped) and returns the processed counts.</summary>
    public async Task<TrackCounts> ApplyTrackAsync(JsonElement body, PayloadValidationResult validation, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var tx = _connection.BeginTransaction();
            var counts = new TrackCounts();
            var externalIdsWithAttributes = new HashSet<long>();
            foreach (var a in TrackArrays.All)
            {
                if (!body.TryGetProperty(a.Name(), out var array) || array.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                var index = 0;
                foreach (var obj in array.EnumerateArray())
                {
                    if (!validation.IsObjectRejected(a, index))
                    {
                        switch (a)
                        {
                            case TrackArray.Attributes:
                                if (ApplyAttributes(obj, validation.DropsNestedAttributes) is { } id)
                                {
                                    externalIdsWithAttributes.Add(id);
                                }

                                break;
                            case TrackArray.Events:
                                counts.Events += ApplyEvent(obj) ? 1 : 0;
                                break;
                            default:
                                counts.Purchases += ApplyPurchase(obj) ? 1 : 0;
                                break;
                        }
                    }

                    index++;
                }
            }

            counts.Attributes = externalIdsWithAttributes.Count;
            tx.Commit();
            return counts;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Forgets everything.</summary>
    public async Task ResetAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            Execute("DELETE FROM profiles; DELETE FROM aliases; DELETE FROM events; DELETE FROM purchases; DELETE FROM schedules; DELETE FROM deprecated_external_ids;");
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Events received more than once (same canonical JSON: identifier, name, time, properties), with their counts.</summary>
    public async Task<List<(string Event, long Count)>> DuplicatesAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            using var cmd = Command("SELECT canonical, COUNT(*) FROM events GROUP BY canonical HAVING COUNT(*) > 1 UNION ALL SELECT canonical, COUNT(*) FROM purchases GROUP BY canonical HAVING COUNT(*) > 1;");
            using var reader = cmd.ExecuteReader();
            var list = new List<(string, long)>();
            while (reader.Read())
            {
                list.Add((reader.GetString(0), reader.GetInt64(1)));
            }

            return list;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Counts of stored events and purchases, and of distinct ones (a duplicate counts once).</summary>
    public async Task<(long Events, long DistinctEvents, long Purchases, long DistinctPurchases)> CountsAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            using var cmd = Command("SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(DISTINCT canonical) FROM events), (SELECT COUNT(*) FROM purchases), (SELECT COUNT(DISTINCT canonical) FROM purchases);");
            using var reader = cmd.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _connection.Dispose();
        _lock.Dispose();
    }

    // ------------------------------------------------------------------ identity

    private long? ResolveProfile(JsonElement obj, bool isAttributes)
    {
        var updateOnly = obj.TryGetProperty("_update_existing_only", out var u) && u.ValueKind == JsonValueKind.True;
        var updateOnlyExplicitFalse = obj.TryGetProperty("_update_existing_only", out var u2) && u2.ValueKind == JsonValueKind.False;
        if (obj.TryGetProperty("external_id", out var ext) && ext.ValueKind == JsonValueKind.String)
        {
            var id = ProfileOfExternalId(ext.GetString());
            if (id is null && !updateOnly)
            {
                id = CreateProfile(externalId: ext.GetString());
            }

            return id;
        }

        if (obj.TryGetProperty("user_alias", out var alias) && alias.ValueKind == JsonValueKind.Object)
        {
            var name = alias.GetProperty("alias_name").GetString()!;
            var label = alias.GetProperty("alias_label").GetString()!;
            using var cmd = Command("SELECT profile_id FROM aliases WHERE alias_name = $n AND alias_label = $l;");
            cmd.Parameters.AddWithValue("$n", name);
            cmd.Parameters.AddWithValue("$l", label);
            var found = cmd.ExecuteScalar() as long?;

            // Alias-only profiles are created only by an attributes object with "_update_existing_only": false.
            if (found is null && isAttributes && updateOnlyExplicitFalse)
            {
                found = CreateProfile(externalId: null);
                using var insert = Command("INSERT INTO aliases (profile_id, alias_name, alias_label) VALUES ($p, $n, $l);");
                insert.Parameters.AddWithValue("$p", found.Value);
                insert.Parameters.AddWithValue("$n", name);
                insert.Parameters.AddWithValue("$l", label);
                insert.ExecuteNonQuery();
            }

            return found;
        }

        if (obj.TryGetProperty("braze_id", out var brazeId) && brazeId.ValueKind == JsonValueKind.String)
        {
            return Scalar("SELECT id FROM profiles WHERE braze_id = $v;", brazeId.GetString());
        }

        // Email wins over phone. Several matches: the most recently updated with an external id, else the most recent.
        foreach (var field in (ReadOnlySpan<string>)["email", "phone"])
        {
            if (obj.TryGetProperty(field, out var contact) && contact.ValueKind == JsonValueKind.String)
            {
                var id = Scalar($"SELECT id FROM profiles WHERE {field} = $v ORDER BY (external_id IS NOT NULL) DESC, updated DESC LIMIT 1;", contact.GetString());
                if (id is null && !updateOnly)
                {
                    id = CreateProfile(externalId: null);
                    using var set = Command($"UPDATE profiles SET {field} = $v WHERE id = $id;");
                    set.Parameters.AddWithValue("$v", contact.GetString());
                    set.Parameters.AddWithValue("$id", id.Value);
                    set.ExecuteNonQuery();
                }

                return id;
            }
        }

        if (isAttributes && obj.TryGetProperty("push_token_import", out var import) && import.ValueKind == JsonValueKind.True
            && obj.TryGetProperty("push_tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Array)
        {
            // Anonymous import: Braze creates a temporary anonymous profile and ignores tokens it already has.
            var fresh = tokens.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.Object && t.TryGetProperty("token", out var token)
                && Scalar("SELECT p.id FROM profiles p, json_each(p.attributes, '$.push_tokens') t WHERE json_extract(t.value, '$.token') = $v LIMIT 1;", token.GetString()) is null);
            return fresh ? CreateProfile(externalId: null) : null;
        }

        return null;
    }

    private long CreateProfile(string? externalId)
    {
        using var cmd = Command("INSERT INTO profiles (braze_id, external_id, attributes, created_at, updated) VALUES ($b, $e, '{}', $c, $u); SELECT last_insert_rowid();");
        cmd.Parameters.AddWithValue("$b", Guid.NewGuid().ToString("N")[..24]);
        cmd.Parameters.AddWithValue("$e", (object?)externalId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$c", BrazeTime.Format(DateTimeOffset.UtcNow));
        cmd.Parameters.AddWithValue("$u", ++_clock);
        return (long)cmd.ExecuteScalar()!;
    }

    // ------------------------------------------------------------------ helpers

    private SqliteCommand Command(string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd;
    }

    private long? Scalar(string sql, string? value)
    {
        using var cmd = Command(sql);
        cmd.Parameters.AddWithValue("$v", (object?)value ?? DBNull.Value);
        return cmd.ExecuteScalar() as long?;
    }

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    private static string Canonical(JsonElement element)
    {
        var node = JsonNode.Parse(element.GetRawText());
        return Sort(node)?.ToJsonString() ?? "null";

        static JsonNode? Sort(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    var sorted = new JsonObject();
                    foreach (var (key, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        sorted[key] = Sort(value);
                    }

                    return sorted;
                case JsonArray a:
                    return new JsonArray([.. a.Select(Sort)]);
                default:
                    return n?.DeepClone();
            }
        }
    }

    private static string NormalizeTime(JsonElement value)
        => value.ValueKind == JsonValueKind.String && BrazeTime.TryParseTicks(value.GetString(), BrazeTimeFormats.Any, out var ticks) ? BrazeTime.Format(ticks) : value.ToString();

    private static string Now() => BrazeTime.Format(DateTimeOffset.UtcNow);
}

/// <summary>Processed counts of one <c>/users/track</c> request.</summary>
public sealed class TrackCounts
{
    /// <summary>Profiles with attributes applied.</summary>
    public int Attributes { get; set; }

    /// <summary>Events stored.</summary>
    public int Events { get; set; }

    /// <summary>Purchases stored.</summary>
    public int Purchases { get; set; }
}
