using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Braze.Shared;
using Braze.Wire;

namespace Braze.Emulator;

public sealed partial class ProfileStore
{
    /// <summary>Writes the <c>/users/export/ids</c> answer for the given external ids.</summary>
    public Task<byte[]> ExportAsync(IReadOnlyList<string> externalIds, CancellationToken cancellationToken)
        => ExportAsync(new ExportQuery { ExternalIds = externalIds }, cancellationToken);

    /// <summary>
    /// Writes the <c>/users/export/ids</c> answer: the profiles found by external id, user alias, braze id, email or
    /// phone (every profile sharing an email or phone), each once, limited to <see cref="ExportQuery.FieldsToExport"/>
    /// when given; external ids without a profile are listed in <c>invalid_user_ids</c>.
    /// </summary>
    public async Task<byte[]> ExportAsync(ExportQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var found = new List<long>();
            var invalid = new List<string>();
            foreach (var externalId in query.ExternalIds)
            {
                if (ProfileOfExternalId(externalId) is { } id)
                {
                    found.Add(id);
                }
                else
                {
                    invalid.Add(externalId);
                }
            }

            foreach (var (name, label) in query.UserAliases)
            {
                using var cmd = Command("SELECT profile_id FROM aliases WHERE alias_name = $n AND alias_label = $l;");
                cmd.Parameters.AddWithValue("$n", name);
                cmd.Parameters.AddWithValue("$l", label);
                if (cmd.ExecuteScalar() is long id)
                {
                    found.Add(id);
                }
            }

            if (query.BrazeId is not null && Scalar("SELECT id FROM profiles WHERE braze_id = $v;", query.BrazeId) is { } byBrazeId)
            {
                found.Add(byBrazeId);
            }

            found.AddRange(Ids("SELECT id FROM profiles WHERE email = $v ORDER BY updated DESC;", query.EmailAddress));
            found.AddRange(Ids("SELECT id FROM profiles WHERE phone = $v ORDER BY updated DESC;", query.Phone));

            var buffer = new ArrayBufferWriter<byte>();
            using var writer = new Utf8JsonWriter(buffer, BrazeEmulator.WriterOptions);
            writer.WriteStartObject();
            writer.WriteStartArray("users");
            foreach (var id in found.Distinct())
            {
                if (query.FieldsToExport is { Count: > 0 } fields)
                {
                    var one = new ArrayBufferWriter<byte>();
                    using (var w = new Utf8JsonWriter(one))
                    {
                        WriteProfile(w, id);
                    }

                    var profile = JsonNode.Parse(one.WrittenSpan)!.AsObject();
                    writer.WriteStartObject();
                    foreach (var (key, value) in profile)
                    {
                        if (fields.Contains(key, StringComparer.Ordinal))
                        {
                            writer.WritePropertyName(key);
                            WriteNode(writer, value);
                        }
                    }

                    writer.WriteEndObject();
                }
                else
                {
                    WriteProfile(writer, id);
                }
            }

            writer.WriteEndArray();
            writer.WriteStartArray("invalid_user_ids");
            foreach (var i in invalid)
            {
                writer.WriteStringValue(i);
            }

            writer.WriteEndArray();

            writer.WriteString("message", "success");
            writer.WriteEndObject();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            _lock.Release();
        }
    }

    private List<long> Ids(string sql, string? value)
    {
        var ids = new List<long>();
        if (value is null)
        {
            return ids;
        }

        using var cmd = Command(sql);
        cmd.Parameters.AddWithValue("$v", value);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <summary>One profile as JSON (for tests and the admin API), or null when no profile has that external id.</summary>
    public Task<JsonObject?> GetProfileAsync(string externalId)
        => FirstAsync(new ExportQuery { ExternalIds = [externalId] });

    /// <summary>The profile holding a user alias, as JSON, or null (alias-only profiles have no external id).</summary>
    public Task<JsonObject?> GetProfileByAliasAsync(string aliasName, string aliasLabel)
        => FirstAsync(new ExportQuery { UserAliases = [(aliasName, aliasLabel)] });

    /// <summary>
    /// The profiles that carry an email address, most recently updated first (an email-only profile has no external
    /// id; several profiles may share an email).
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> GetProfilesByEmailAsync(string email)
    {
        var bytes = await ExportAsync(new ExportQuery { EmailAddress = email }, CancellationToken.None).ConfigureAwait(false);
        return [.. JsonNode.Parse(bytes)!["users"]!.AsArray().Select(u => u!.AsObject())];
    }

    /// <summary>Number of stored profiles.</summary>
    public async Task<long> ProfileCountAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            using var cmd = Command("SELECT COUNT(*) FROM profiles;");
            return (long)cmd.ExecuteScalar()!;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<JsonObject?> FirstAsync(ExportQuery query)
    {
        var bytes = await ExportAsync(query, CancellationToken.None).ConfigureAwait(false);
        return JsonNode.Parse(bytes)!["users"]!.AsArray().FirstOrDefault()?.AsObject();
    }

    private void WriteProfile(Utf8JsonWriter writer, long id)
    {
        using var cmd = Command("SELECT external_id, braze_id, email, phone, attributes, created_at FROM profiles WHERE id = $id;");
        cmd.Parameters.AddWithValue("$id", id);
        using var reader = cmd.ExecuteReader();
        reader.Read();
        writer.WriteStartObject();
        if (!reader.IsDBNull(0))
        {
            writer.WriteString("external_id", reader.GetString(0));
        }

        writer.WriteString("braze_id", reader.GetString(1));
        if (!reader.IsDBNull(2))
        {
            writer.WriteString("email", reader.GetString(2));
        }

        if (!reader.IsDBNull(3))
        {
            writer.WriteString("phone", reader.GetString(3));
        }

        writer.WriteString("created_at", reader.GetString(5));
        var attributes = JsonNode.Parse(reader.GetString(4))!.AsObject();
        var custom = new JsonObject();
        foreach (var (key, value) in attributes)
        {
            var kind = StandardFields.KindOf(key);
            if (kind is StandardFieldKind.Email or StandardFieldKind.Phone)
            {
                continue;
            }

            if (kind == StandardFieldKind.None)
            {
                custom[key] = value?.DeepClone();
            }
            else
            {
                writer.WritePropertyName(key);
                WriteNode(writer, value);
            }
        }

        writer.WritePropertyName("custom_attributes");
        custom.WriteTo(writer);

        writer.WriteStartArray("user_aliases");
        using (var aliases = Command("SELECT alias_name, alias_label FROM aliases WHERE profile_id = $id;"))
        {
            aliases.Parameters.AddWithValue("$id", id);
            using var r = aliases.ExecuteReader();
            while (r.Read())
            {
                writer.WriteStartObject();
                writer.WriteString("alias_name", r.GetString(0));
                writer.WriteString("alias_label", r.GetString(1));
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
        WriteAggregates(writer, "custom_events", "SELECT name, MIN(time), MAX(time), COUNT(*) FROM events WHERE profile_id = $id GROUP BY name ORDER BY name;", id);
        WriteAggregates(writer, "purchases", "SELECT product_id, MIN(time), MAX(time), SUM(quantity) FROM purchases WHERE profile_id = $id GROUP BY product_id ORDER BY product_id;", id);
        writer.WriteEndObject();
    }

    private void WriteAggregates(Utf8JsonWriter writer, string name, string sql, long id)
    {
        writer.WriteStartArray(name);
        using var cmd = Command(sql);
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            writer.WriteStartObject();
            writer.WriteString("name", r.GetString(0));
            writer.WriteString("first", r.GetString(1));
            writer.WriteString("last", r.GetString(2));
            writer.WriteNumber("count", r.GetInt64(3));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        if (node is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            node.WriteTo(writer);
        }
    }

    // ------------------------------------------------------------------ schedules

    /// <summary>Stores a new schedule and returns its ids.</summary>
    public async Task<(string ScheduleId, string DispatchId)> CreateScheduleAsync(string target, string targetId, JsonElement body, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var scheduleId = Guid.NewGuid().ToString("N");
            var dispatchId = Guid.NewGuid().ToString("N");
            using var cmd = Command("INSERT INTO schedules (id, target, target_id, dispatch_id, body, send_time, created_at) VALUES ($id, $t, $tid, $d, $b, $s, $c);");
            cmd.Parameters.AddWithValue("$id", scheduleId);
            cmd.Parameters.AddWithValue("$t", target);
            cmd.Parameters.AddWithValue("$tid", targetId);
            cmd.Parameters.AddWithValue("$d", dispatchId);
            cmd.Parameters.AddWithValue("$b", body.GetRawText());
            cmd.Parameters.AddWithValue("$s", body.GetProperty("schedule").GetProperty("time").GetString());
            cmd.Parameters.AddWithValue("$c", Now());
            cmd.ExecuteNonQuery();
            return (scheduleId, dispatchId);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Replaces the whole schedule object of a stored schedule. With <paramref name="refuseStartedLocalTime"/> (campaigns)
    /// a schedule in local time whose time has passed in the earliest time zone (UTC+14) is left as it is.
    /// </summary>
    public async Task<ScheduleUpdate> UpdateScheduleAsync(string target, string targetId, string scheduleId, JsonElement schedule, bool refuseStartedLocalTime, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var read = Command("SELECT body FROM schedules WHERE id = $id AND target = $t AND target_id = $tid;");
            read.Parameters.AddWithValue("$id", scheduleId);
            read.Parameters.AddWithValue("$t", target);
            read.Parameters.AddWithValue("$tid", targetId);
            if (read.ExecuteScalar() is not string stored)
            {
                return ScheduleUpdate.NotFound;
            }

            var body = JsonNode.Parse(stored)!.AsObject();
            if (refuseStartedLocalTime
                && body["schedule"] is JsonObject old
                && old["in_local_time"] is JsonValue flag && flag.TryGetValue<bool>(out var local) && local
                && BrazeTime.TryParse(old["time"]?.GetValue<string>(), out var wallClock)
                && wallClock - TimeSpan.FromHours(14) < DateTimeOffset.UtcNow)
            {
                return ScheduleUpdate.LocalTimeStarted;
            }

            body["schedule"] = JsonNode.Parse(schedule.GetRawText());
            using var write = Command("UPDATE schedules SET body = $b, send_time = $s WHERE id = $id;");
            write.Parameters.AddWithValue("$b", body.ToJsonString());
            write.Parameters.AddWithValue("$s", schedule.GetProperty("time").GetString());
            write.Parameters.AddWithValue("$id", scheduleId);
            write.ExecuteNonQuery();
            return ScheduleUpdate.Updated;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Deletes a schedule; false when it does not exist.</summary>
    public async Task<bool> DeleteScheduleAsync(string target, string targetId, string scheduleId, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var cmd = Command("DELETE FROM schedules WHERE id = $id AND target = $t AND target_id = $tid;");
            cmd.Parameters.AddWithValue("$id", scheduleId);
            cmd.Parameters.AddWithValue("$t", target);
            cmd.Parameters.AddWithValue("$tid", targetId);
            return cmd.ExecuteNonQuery() > 0;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Stored schedules, as (id, target, target id, body).</summary>
    public async Task<List<(string Id, string Target, string TargetId, string Body)>> SchedulesAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            using var cmd = Command("SELECT id, target, target_id, body FROM schedules ORDER BY created_at;");
            using var r = cmd.ExecuteReader();
            var list = new List<(string, string, string, string)>();
            while (r.Read())
            {
                list.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
            }

            return list;
        }
        finally
        {
            _lock.Release();
        }
    }
}

/// <summary>Which profiles a <c>/users/export/ids</c> request asks for, and which fields.</summary>
public sealed class ExportQuery
{
    /// <summary>External ids (<c>external_ids</c>).</summary>
    public IReadOnlyList<string> ExternalIds { get; init; } = [];

    /// <summary>User aliases as (alias_name, alias_label) (<c>user_aliases</c>).</summary>
    public IReadOnlyList<(string Name, string Label)> UserAliases { get; init; } = [];

    /// <summary>A braze id (<c>braze_id</c>).</summary>
    public string? BrazeId { get; init; }

    /// <summary>An email address (<c>email_address</c>): every profile with it.</summary>
    public string? EmailAddress { get; init; }

    /// <summary>A phone number (<c>phone</c>): every profile with it.</summary>
    public string? Phone { get; init; }

    /// <summary>Top-level fields to export (<c>fields_to_export</c>); all when empty.</summary>
    public IReadOnlyList<string> FieldsToExport { get; init; } = [];

    /// <summary>Number of identifiers asked for.</summary>
    public int IdentifierCount => ExternalIds.Count + UserAliases.Count + (BrazeId is null ? 0 : 1) + (EmailAddress is null ? 0 : 1) + (Phone is null ? 0 : 1);
}

/// <summary>The outcome of a schedule update.</summary>
public enum ScheduleUpdate
{
    /// <summary>The schedule was replaced.</summary>
    Updated,

    /// <summary>No schedule with that id for that Canvas or campaign.</summary>
    NotFound,

    /// <summary>A campaign scheduled in local time has started in some time zone; Braze no longer applies updates.</summary>
    LocalTimeStarted,
}
