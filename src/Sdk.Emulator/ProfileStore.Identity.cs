using System.Text.Json;
using System.Text.Json.Nodes;

namespace Braze.Emulator;

/// <summary>
/// The identity endpoints applied to stored profiles (spec §13 and docs/identity.md): aliases, identify (with its merge
/// behaviour), external id rename and removal (a renamed profile keeps its old id as deprecated, still usable, until
/// removed), merge (the kept profile wins conflicts) and delete. Bodies arrive validated.
/// </summary>
public sealed partial class ProfileStore
{
    /// <summary>The answer of one identity request: the fields Braze fills for that endpoint.</summary>
    internal sealed record IdentityOutcome(int Processed, IReadOnlyList<string> Succeeded, IReadOnlyList<string> Errors);

    /// <summary>Applies a validated identity request (<paramref name="path"/> one of the <c>/users/...</c> identity endpoints).</summary>
    internal async Task<IdentityOutcome> ApplyIdentityAsync(string path, JsonElement body, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var tx = _connection.BeginTransaction();
            var outcome = path switch
            {
                "/users/alias/new" => NewAliases(body),
                "/users/alias/update" => UpdateAliases(body),
                "/users/identify" => Identify(body),
                "/users/external_ids/rename" => Rename(body),
                "/users/external_ids/remove" => RemoveDeprecated(body),
                "/users/merge" => Merge(body),
                "/users/delete" => Delete(body),
                "/v2/subscription/status/set" => SetSubscriptions(body),
                _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Not an identity endpoint."),
            };
            tx.Commit();
            return outcome;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// The profile of an external id: its current id, or a deprecated one kept by a rename (Braze keeps the old id usable
    /// until it is removed).
    /// </summary>
    private long? ProfileOfExternalId(string? externalId)
        => Scalar("SELECT id FROM profiles WHERE external_id = $v UNION ALL SELECT profile_id FROM deprecated_external_ids WHERE external_id = $v LIMIT 1;", externalId);

    private long? ProfileOfAlias(string name, string label)
    {
        using var cmd = Command("SELECT profile_id FROM aliases WHERE alias_name = $n AND alias_label = $l;");
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$l", label);
        return cmd.ExecuteScalar() as long?;
    }

    private void AddAlias(long profile, string name, string label)
    {
        using var insert = Command("INSERT OR IGNORE INTO aliases (profile_id, alias_name, alias_label) VALUES ($p, $n, $l);");
        insert.Parameters.AddWithValue("$p", profile);
        insert.Parameters.AddWithValue("$n", name);
        insert.Parameters.AddWithValue("$l", label);
        insert.ExecuteNonQuery();
    }

    /// <summary>With an external id the alias joins that user (created when unknown); without one it makes an alias-only profile. An alias already taken is left as it is.</summary>
    private IdentityOutcome NewAliases(JsonElement body)
    {
        var processed = 0;
        foreach (var item in body.GetProperty("user_aliases").EnumerateArray())
        {
            var name = item.GetProperty("alias_name").GetString()!;
            var label = item.GetProperty("alias_label").GetString()!;
            if (ProfileOfAlias(name, label) is not null)
            {
                continue;
            }

            var externalId = item.TryGetProperty("external_id", out var e) ? e.GetString() : null;
            var profile = externalId is null ? CreateProfile(externalId: null) : ProfileOfExternalId(externalId) ?? CreateProfile(externalId);
            AddAlias(profile, name, label);
            processed++;
        }

        return new IdentityOutcome(processed, [], []);
    }

    private IdentityOutcome UpdateAliases(JsonElement body)
    {
        foreach (var item in body.GetProperty("alias_updates").EnumerateArray())
        {
            var label = item.GetProperty("alias_label").GetString()!;
            var newName = item.GetProperty("new_alias_name").GetString()!;
            if (ProfileOfAlias(newName, label) is not null)
            {
                continue; // the new name is taken: nothing changes
            }

            using var update = Command("UPDATE aliases SET alias_name = $new WHERE alias_name = $old AND alias_label = $l;");
            update.Parameters.AddWithValue("$new", newName);
            update.Parameters.AddWithValue("$old", item.GetProperty("old_alias_name").GetString()!);
            update.Parameters.AddWithValue("$l", label);
            update.ExecuteNonQuery();
        }

        return new IdentityOutcome(0, [], []);
    }

    /// <summary>
    /// An anonymous profile (found by alias, or the most recent email-only profile) becomes the user: it takes the
    /// external id when no profile has it; otherwise its alias joins that user, and with <c>merge</c> (the default) its
    /// attributes the user lacks, its events and purchases move too. An identified profile is not re-identified.
    /// </summary>
    private IdentityOutcome Identify(JsonElement body)
    {
        var merge = !(body.TryGetProperty("merge_behavior", out var behavior) && behavior.GetString() == "none");
        var processed = 0;
        foreach (var item in List(body, "aliases_to_identify"))
        {
            var alias = item.GetProperty("user_alias");
            var name = alias.GetProperty("alias_name").GetString()!;
            var label = alias.GetProperty("alias_label").GetString()!;
            if (ProfileOfAlias(name, label) is { } anonymous && IdentifyProfile(anonymous, item.GetProperty("external_id").GetString()!, merge, (name, label)))
            {
                processed++;
            }
        }

        foreach (var item in List(body, "emails_to_identify"))
        {
            var anonymous = Scalar("SELECT id FROM profiles WHERE email = $v AND external_id IS NULL ORDER BY updated DESC LIMIT 1;", item.GetProperty("email").GetString());
            if (anonymous is { } id && IdentifyProfile(id, item.GetProperty("external_id").GetString()!, merge, alias: null))
            {
                processed++;
            }
        }

        return new IdentityOutcome(processed, [], []);
    }

    private bool IdentifyProfile(long anonymous, string externalId, bool merge, (string Name, string Label)? alias)
    {
        if (ScalarText("SELECT external_id FROM profiles WHERE id = $v;", anonymous) is { } current)
        {
            return current == externalId; // already identified: nothing changes (it counts when it is this very user)
        }

        if (ProfileOfExternalId(externalId) is not { } known)
        {
            using var set = Command("UPDATE profiles SET external_id = $e, updated = $u WHERE id = $id;");
            set.Parameters.AddWithValue("$e", externalId);
            set.Parameters.AddWithValue("$u", ++_clock);
            set.Parameters.AddWithValue("$id", anonymous);
            set.ExecuteNonQuery();
            return true;
        }

        if (merge)
        {
            MergeProfile(anonymous, known);
        }
        else
        {
            if (alias is { } a)
            {
                // "none": only the alias moves; the anonymous profile's data stays behind and goes with it.
                using var move = Command("UPDATE aliases SET profile_id = $k WHERE alias_name = $n AND alias_label = $l;");
                move.Parameters.AddWithValue("$k", known);
                move.Parameters.AddWithValue("$n", a.Name);
                move.Parameters.AddWithValue("$l", a.Label);
                move.ExecuteNonQuery();
            }

            DeleteProfile(anonymous);
        }

        return true;
    }

    /// <summary>Renames: the new id must be free; the old one stays as a deprecated id of the profile until removed.</summary>
    private IdentityOutcome Rename(JsonElement body)
    {
        List<string> renamed = [], errors = [];
        foreach (var item in body.GetProperty("external_id_renames").EnumerateArray())
        {
            var current = item.GetProperty("current_external_id").GetString()!;
            var next = item.GetProperty("new_external_id").GetString()!;
            var profile = Scalar("SELECT id FROM profiles WHERE external_id = $v;", current);
            if (profile is null)
            {
                errors.Add($"{current}: no user has this external id");
                continue;
            }

            if (ProfileOfExternalId(next) is not null)
            {
                errors.Add($"{current}: the new external id {next} is already in use");
                continue;
            }

            using var rename = Command("UPDATE profiles SET external_id = $new, updated = $u WHERE id = $id; INSERT INTO deprecated_external_ids (profile_id, external_id) VALUES ($id, $old);");
            rename.Parameters.AddWithValue("$new", next);
            rename.Parameters.AddWithValue("$old", current);
            rename.Parameters.AddWithValue("$u", ++_clock);
            rename.Parameters.AddWithValue("$id", profile.Value);
            rename.ExecuteNonQuery();
            renamed.Add(next);
        }

        return new IdentityOutcome(renamed.Count, renamed, errors);
    }

    /// <summary>Removes deprecated ids only: a current external id is an error of that item.</summary>
    private IdentityOutcome RemoveDeprecated(JsonElement body)
    {
        List<string> removed = [], errors = [];
        foreach (var item in body.GetProperty("external_ids").EnumerateArray())
        {
            var id = item.GetString()!;
            using var delete = Command("DELETE FROM deprecated_external_ids WHERE external_id = $v;");
            delete.Parameters.AddWithValue("$v", id);
            if (delete.ExecuteNonQuery() > 0)
            {
                removed.Add(id);
            }
            else
            {
                errors.Add(Scalar("SELECT id FROM profiles WHERE external_id = $v;", id) is null
                    ? $"{id}: not a deprecated external id"
                    : $"{id}: is a current external id; only deprecated ids can be removed");
            }
        }

        return new IdentityOutcome(removed.Count, removed, errors);
    }

    private IdentityOutcome Merge(JsonElement body)
    {
        var merged = 0;
        foreach (var item in body.GetProperty("merge_updates").EnumerateArray())
        {
            if (Resolve(item.GetProperty("identifier_to_merge")) is { } from && Resolve(item.GetProperty("identifier_to_keep")) is { } into && from != into)
            {
                MergeProfile(from, into);
                merged++;
            }
        }

        return new IdentityOutcome(merged, [], []);
    }

    private IdentityOutcome Delete(JsonElement body)
    {
        var profiles = new HashSet<long>();
        foreach (var id in List(body, "external_ids"))
        {
            Add(ProfileOfExternalId(id.GetString()));
        }

        foreach (var alias in List(body, "user_aliases"))
        {
            Add(ProfileOfAlias(alias.GetProperty("alias_name").GetString()!, alias.GetProperty("alias_label").GetString()!));
        }

        foreach (var id in List(body, "braze_ids"))
        {
            Add(Scalar("SELECT id FROM profiles WHERE braze_id = $v;", id.GetString()));
        }

        foreach (var email in List(body, "email_addresses"))
        {
            Add(Scalar("SELECT id FROM profiles WHERE email = $v ORDER BY updated DESC LIMIT 1;", email.GetProperty("email").GetString()));
        }

        foreach (var profile in profiles)
        {
            DeleteProfile(profile);
        }

        return new IdentityOutcome(profiles.Count, [], []);

        void Add(long? profile)
        {
            if (profile is { } id)
            {
                profiles.Add(id);
            }
        }
    }

    /// <summary>
    /// Sets each group's state on the profiles of its users: an external id (current or deprecated), or every profile
    /// with the email or phone. Users without a profile are skipped (the emulator does not create profiles here).
    /// </summary>
    private IdentityOutcome SetSubscriptions(JsonElement body)
    {
        var updated = 0;
        foreach (var group in body.GetProperty("subscription_groups").EnumerateArray())
        {
            var id = group.GetProperty("subscription_group_id").GetString()!;
            var state = group.GetProperty("subscription_state").GetString()!;
            var profiles = new HashSet<long>();
            foreach (var externalId in List(group, "external_ids"))
            {
                if (ProfileOfExternalId(externalId.GetString()) is { } p)
                {
                    profiles.Add(p);
                }
            }

            foreach (var (field, column) in (ReadOnlySpan<(string, string)>)[("emails", "email"), ("phones", "phone")])
            {
                foreach (var contact in List(group, field))
                {
                    profiles.UnionWith(Ids($"SELECT id FROM profiles WHERE {column} = $v;", contact.GetString()));
                }
            }

            foreach (var profile in profiles)
            {
                var attributes = Attributes(profile);
                SetSubscription(attributes, id, state);
                using var write = Command("UPDATE profiles SET attributes = $a, updated = $u WHERE id = $id;");
                write.Parameters.AddWithValue("$a", attributes.ToJsonString());
                write.Parameters.AddWithValue("$u", ++_clock);
                write.Parameters.AddWithValue("$id", profile);
                write.ExecuteNonQuery();
                updated++;
            }
        }

        return new IdentityOutcome(updated, [], []);
    }

    /// <summary>One group's state in a profile's <c>subscription_groups</c>: replaced when the group is there, added otherwise.</summary>
    internal static void SetSubscription(JsonObject attributes, string groupId, string state)
    {
        var groups = attributes["subscription_groups"] as JsonArray ?? [];
        attributes["subscription_groups"] = groups;
        if (groups.OfType<JsonObject>().FirstOrDefault(g => g["subscription_group_id"]?.GetValue<string>() == groupId) is { } existing)
        {
            existing["subscription_state"] = state;
            return;
        }

        groups.Add((JsonNode)new JsonObject { ["subscription_group_id"] = groupId, ["subscription_state"] = state });
    }

    /// <summary>The profile of a merge identifier: external id (current or deprecated), alias, or the most recently updated profile with an email or phone.</summary>
    private long? Resolve(JsonElement identifier)
    {
        if (identifier.TryGetProperty("external_id", out var e))
        {
            return ProfileOfExternalId(e.GetString());
        }

        if (identifier.TryGetProperty("user_alias", out var a))
        {
            return ProfileOfAlias(a.GetProperty("alias_name").GetString()!, a.GetProperty("alias_label").GetString()!);
        }

        foreach (var field in (ReadOnlySpan<string>)["email", "phone"])
        {
            if (identifier.TryGetProperty(field, out var contact))
            {
                return Scalar($"SELECT id FROM profiles WHERE {field} = $v ORDER BY (external_id IS NOT NULL) DESC, updated DESC LIMIT 1;", contact.GetString());
            }
        }

        return null;
    }

    /// <summary>
    /// Moves a profile into another and removes it: attributes the kept profile lacks (it wins conflicts), email and
    /// phone when it has none, events, purchases, aliases and deprecated ids.
    /// </summary>
    private void MergeProfile(long from, long into)
    {
        var source = Attributes(from);
        var target = Attributes(into);
        foreach (var (key, value) in source)
        {
            if (!target.ContainsKey(key))
            {
                target[key] = value?.DeepClone();
            }
        }

        using var move = Command("""
            UPDATE profiles SET attributes = $a, updated = $u,
                email = COALESCE(email, (SELECT email FROM profiles WHERE id = $from)),
                phone = COALESCE(phone, (SELECT phone FROM profiles WHERE id = $from))
            WHERE id = $into;
            UPDATE events SET profile_id = $into WHERE profile_id = $from;
            UPDATE purchases SET profile_id = $into WHERE profile_id = $from;
            UPDATE OR IGNORE aliases SET profile_id = $into WHERE profile_id = $from;
            UPDATE deprecated_external_ids SET profile_id = $into WHERE profile_id = $from;
            """);
        move.Parameters.AddWithValue("$a", target.ToJsonString());
        move.Parameters.AddWithValue("$u", ++_clock);
        move.Parameters.AddWithValue("$from", from);
        move.Parameters.AddWithValue("$into", into);
        move.ExecuteNonQuery();
        DeleteProfile(from);
    }

    /// <summary>Removes a profile and everything attached to it: it no longer exports, and its ids are free again.</summary>
    private void DeleteProfile(long profile)
    {
        using var delete = Command("""
            DELETE FROM aliases WHERE profile_id = $p; DELETE FROM events WHERE profile_id = $p; DELETE FROM purchases WHERE profile_id = $p;
            DELETE FROM deprecated_external_ids WHERE profile_id = $p; DELETE FROM profiles WHERE id = $p;
            """);
        delete.Parameters.AddWithValue("$p", profile);
        delete.ExecuteNonQuery();
    }

    private JsonObject Attributes(long profile)
    {
        using var read = Command("SELECT attributes FROM profiles WHERE id = $id;");
        read.Parameters.AddWithValue("$id", profile);
        return JsonNode.Parse((string)read.ExecuteScalar()!)!.AsObject();
    }

    private string? ScalarText(string sql, long id)
    {
        using var cmd = Command(sql);
        cmd.Parameters.AddWithValue("$v", id);
        return cmd.ExecuteScalar() as string;
    }

    private static IEnumerable<JsonElement> List(JsonElement body, string field)
        => body.TryGetProperty(field, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [];
}
