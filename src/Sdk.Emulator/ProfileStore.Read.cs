using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Braze.Validation;

namespace Braze.Emulator;

public sealed partial class ProfileStore
{
    /// <summary>Writes the <c>/users/export/ids</c> answer for the given external ids.</summary>
    public async Task<byte[]> ExportAsync(IReadOnlyList<string> externalIds, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var buffer = new ArrayBufferWriter<byte>();
            using var writer = new Utf8JsonWriter(buffer);
            writer.WriteStartObject();
            writer.WriteStartArray("users");
            var invalid = new List<string>();
            foreach (var externalId in externalIds)
            {
                if (Scalar("SELECT id FROM profiles WHERE external_id = $v;", externalId) is not { } id)
                {
                    invalid.Add(externalId);
                    continue;
                }

                WriteProfile(writer, id);
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

    /// <summary>One profile as JSON (for tests and the admin API), or null when no profile has that external id.</summary>
    public async Task<JsonObject?> GetProfileAsync(string externalId)
    {
        var bytes = await ExportAsync([externalId], CancellationToken.None).ConfigureAwait(false);
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
            var kind = StandardAttributes.KindOf(key);
            if (kind is StandardAttributeKind.Email or StandardAttributeKind.Phone)
            {
                continue;
            }

            if (kind == StandardAttributeKind.None)
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

    /// <summary>Replaces the whole schedule object of a stored schedule; false when it does not exist.</summary>
    public async Task<bool> UpdateScheduleAsync(string target, string targetId, string scheduleId, JsonElement schedule, CancellationToken cancellationToken)
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
                return false;
            }

            var body = JsonNode.Parse(stored)!.AsObject();
            body["schedule"] = JsonNode.Parse(schedule.GetRawText());
            using var write = Command("UPDATE schedules SET body = $b, send_time = $s WHERE id = $id;");
            write.Parameters.AddWithValue("$b", body.ToJsonString());
            write.Parameters.AddWithValue("$s", schedule.GetProperty("time").GetString());
            write.Parameters.AddWithValue("$id", scheduleId);
            write.ExecuteNonQuery();
            return true;
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
