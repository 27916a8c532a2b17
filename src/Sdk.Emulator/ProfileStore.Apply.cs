using System.Text.Json;
using System.Text.Json.Nodes;
using Braze.Rules;
using Braze.Shared;
using Braze.Wire;

namespace Braze.Emulator;

public sealed partial class ProfileStore
{
    /// <summary>
    /// Applies one attributes object; returns the profile id it changed, or null when no profile matched. With
    /// <paramref name="dropNested"/> (an invalid value inside some nested attribute of the request) every nested
    /// custom attribute update is skipped, as Braze does; the flat attributes still apply.
    /// </summary>
    private long? ApplyAttributes(JsonElement obj, bool dropNested)
    {
        var profile = ResolveProfile(obj, isAttributes: true);
        if (profile is not { } id)
        {
            return null;
        }

        var merge = obj.TryGetProperty("_merge_objects", out var m) && m.ValueKind == JsonValueKind.True;
        JsonObject attributes;
        using (var read = Command("SELECT attributes FROM profiles WHERE id = $id;"))
        {
            read.Parameters.AddWithValue("$id", id);
            attributes = JsonNode.Parse((string)read.ExecuteScalar()!)!.AsObject();
        }

        string? email = null, phone = null;
        bool setEmail = false, setPhone = false;
        foreach (var property in obj.EnumerateObject())
        {
            var kind = StandardFields.KindOf(property.Name);
            if (kind is StandardFieldKind.Identifier or StandardFieldKind.ControlFlag)
            {
                continue;
            }

            if (kind == StandardFieldKind.Email)
            {
                setEmail = true;
                email = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            }
            else if (kind == StandardFieldKind.Phone)
            {
                setPhone = true;
                phone = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            }

            if (kind == StandardFieldKind.SubscriptionGroups && property.Value.ValueKind == JsonValueKind.Array)
            {
                // Each entry changes one group's state; the profile's other groups stay.
                foreach (var group in property.Value.EnumerateArray())
                {
                    SetSubscription(attributes, group.GetProperty("subscription_group_id").GetString()!, group.GetProperty("subscription_state").GetString()!);
                }

                continue;
            }

            if (kind == StandardFieldKind.PushTokens && property.Value.ValueKind == JsonValueKind.Array)
            {
                // Tokens are added to the profile's tokens (one entry per token), not replaced.
                var stored = attributes["push_tokens"] as JsonArray ?? [];
                attributes["push_tokens"] = stored;
                foreach (var token in property.Value.EnumerateArray())
                {
                    var value = token.TryGetProperty("token", out var t) ? t.GetString() : null;
                    if (!stored.Any(s => s?["token"]?.GetValue<string>() == value))
                    {
                        stored.Add(JsonNode.Parse(token.GetRawText()));
                    }
                }

                continue;
            }

            if (dropNested && kind == StandardFieldKind.None && IsNestedUpdate(property.Value))
            {
                continue;
            }

            // Values Braze does not keep as given (docs/validation.md, "Decisions"): an unmappable country is stored as
            // NULL, an invalid time zone is not set, bio is not processed at all.
            var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            if ((kind == StandardFieldKind.TimeZone && text is not null && !ReferenceData.TimeZones.Contains(text))
                || (kind == StandardFieldKind.None && property.Name == "bio"))
            {
                continue;
            }

            if (kind == StandardFieldKind.Country && text is not null && !ReferenceData.Countries.Contains(text))
            {
                attributes.Remove(property.Name);
                continue;
            }

            ApplyValue(attributes, property.Name, property.Value, merge);
        }

        using var write = Command("UPDATE profiles SET attributes = $a, updated = $u" + (setEmail ? ", email = $email" : string.Empty) + (setPhone ? ", phone = $phone" : string.Empty) + " WHERE id = $id;");
        write.Parameters.AddWithValue("$a", attributes.ToJsonString());
        write.Parameters.AddWithValue("$u", ++_clock);
        write.Parameters.AddWithValue("$id", id);
        if (setEmail)
        {
            write.Parameters.AddWithValue("$email", (object?)email ?? DBNull.Value);
        }

        if (setPhone)
        {
            write.Parameters.AddWithValue("$phone", (object?)phone ?? DBNull.Value);
        }

        write.ExecuteNonQuery();
        return id;
    }

    /// <summary>A nested custom attribute update: an object (not <c>inc</c>, <c>add</c>/<c>remove</c> or <c>$time</c>), an array of objects, or <c>$add</c>/<c>$update</c>/<c>$remove</c>.</summary>
    private static bool IsNestedUpdate(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            return value.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.Object);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var names = value.EnumerateObject().Select(p => p.Name).ToList();
        return !(names is ["inc"] or ["$time"] || (names.Count > 0 && names.TrueForAll(n => n is "add" or "remove")));
    }

    private void ApplyValue(JsonObject attributes, string key, JsonElement value, bool merge)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                attributes.Remove(key);
                return;
            case JsonValueKind.Object:
                ApplyObject(attributes, key, value, merge);
                return;
            case JsonValueKind.Array when value.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.Object):
                StoreWithinLimit(attributes, key, new JsonArray([.. value.EnumerateArray().Select(ToNode)]));
                return;
            case JsonValueKind.Array:
                // Values are unique, in the order a sequence of adds would leave them: a repeated value counts where it last appears.
                var values = new List<JsonNode?>();
                foreach (var node in value.EnumerateArray().Select(ToNode))
                {
                    values.RemoveAll(x => JsonNode.DeepEquals(x, node));
                    values.Add(node);
                }

                attributes[key] = Trim(new JsonArray([.. values]));
                return;
            default:
                attributes[key] = ToNode(value);
                return;
        }
    }

    private void ApplyObject(JsonObject attributes, string key, JsonElement value, bool merge)
    {
        var names = value.EnumerateObject().Select(p => p.Name).ToList();
        if (names is ["inc"])
        {
            // Integer attributes are 64-bit: an increment that would overflow is dropped, the value stays.
            var current = attributes[key] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
            if (!long.TryParse(value.GetProperty("inc").GetRawText(), System.Globalization.CultureInfo.InvariantCulture, out var by))
            {
                return;
            }

            try
            {
                attributes[key] = checked(current + by);
            }
            catch (OverflowException)
            {
            }

            return;
        }

        if (names.Count > 0 && names.TrueForAll(n => n is "add" or "remove"))
        {
            var list = attributes[key] is JsonArray existing ? existing.Select(x => x?.DeepClone()).ToList() : [];
            if (value.TryGetProperty("remove", out var remove))
            {
                foreach (var r in remove.EnumerateArray())
                {
                    list.RemoveAll(x => JsonNode.DeepEquals(x, ToNode(r)));
                }
            }

            if (value.TryGetProperty("add", out var add))
            {
                foreach (var a in add.EnumerateArray())
                {
                    // Values are unique; re-adding one moves it to the end.
                    var node = ToNode(a);
                    list.RemoveAll(x => JsonNode.DeepEquals(x, node));
                    list.Add(node);
                }
            }

            attributes[key] = Trim(new JsonArray([.. list]));
            return;
        }

        if (names.Count > 0 && names.TrueForAll(n => n is "$add" or "$update" or "$remove"))
        {
            var list = attributes[key] is JsonArray existing ? existing.Select(x => x?.DeepClone()).ToList() : [];
            if (value.TryGetProperty("$remove", out var removes))
            {
                foreach (var r in removes.EnumerateArray())
                {
                    var idKey = r.GetProperty("$identifier_key").GetString()!;
                    var idValue = ToNode(r.GetProperty("$identifier_value"));
                    list.RemoveAll(x => x is JsonObject o && JsonNode.DeepEquals(o[idKey], idValue));
                }
            }

            if (value.TryGetProperty("$update", out var updates) && merge)
            {
                foreach (var u in updates.EnumerateArray())
                {
                    var idKey = u.GetProperty("$identifier_key").GetString()!;
                    var idValue = ToNode(u.GetProperty("$identifier_value"));
                    var patch = ToNode(u.GetProperty("$new_object")) as JsonObject;
                    foreach (var item in list.OfType<JsonObject>().Where(o => JsonNode.DeepEquals(o[idKey], idValue)))
                    {
                        DeepMerge(item, patch!);
                    }
                }
            }

            if (value.TryGetProperty("$add", out var adds))
            {
                list.AddRange(adds.EnumerateArray().Select(ToNode));
            }

            StoreWithinLimit(attributes, key, new JsonArray([.. list]));
            return;
        }

        if (names is ["$time"])
        {
            attributes[key] = NormalizeTime(value.GetProperty("$time"));
            return;
        }

        var incoming = (JsonObject)ToNode(value)!;
        if (merge && attributes[key] is JsonObject stored)
        {
            var merged = (JsonObject)stored.DeepClone();
            DeepMerge(merged, incoming);
            incoming = merged;
        }

        StoreWithinLimit(attributes, key, incoming);
    }

    /// <summary>
    /// Stores a nested attribute's new value unless it would exceed the nested attribute limit: Braze judges the stored
    /// result, so a merge or <c>$add</c> that would grow it past the limit is dropped and the old value stays.
    /// </summary>
    private void StoreWithinLimit(JsonObject attributes, string key, JsonNode value)
    {
        var bytes = BrazeJson.Measure(static (w, node) => node.WriteTo(w), value);
        if (bytes <= _limits.MaxNestedAttributeBytes)
        {
            attributes[key] = value;
        }
    }

    /// <summary>Array attributes keep at most the configured number of values; the oldest go first.</summary>
    private JsonArray Trim(JsonArray array)
    {
        var max = _limits.MaxArrayAttributeLength;
        if (array.Count <= max)
        {
            return array;
        }

        return new JsonArray([.. array.Skip(array.Count - max).Select(x => x?.DeepClone())]);
    }

    private static void DeepMerge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is JsonObject p && target[key] is JsonObject t)
            {
                DeepMerge(t, p);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    /// <summary>Converts to a node, turning <c>{"$time": ...}</c> into the normalized time string.</summary>
    private static JsonNode? ToNode(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            var obj = new JsonObject();
            var props = value.EnumerateObject().ToList();
            if (props is [{ Name: "$time" } only])
            {
                return JsonValue.Create(NormalizeTime(only.Value));
            }

            foreach (var p in props)
            {
                obj[p.Name] = ToNode(p.Value);
            }

            return obj;
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            return new JsonArray([.. value.EnumerateArray().Select(ToNode)]);
        }

        return JsonNode.Parse(value.GetRawText());
    }

    private bool ApplyEvent(JsonElement obj)
    {
        if (ResolveProfile(obj, isAttributes: false) is not { } id)
        {
            return false;
        }

        using var cmd = Command("INSERT INTO events (profile_id, name, time, properties, canonical) VALUES ($p, $n, $t, $props, $c); UPDATE profiles SET updated = $u WHERE id = $p;");
        cmd.Parameters.AddWithValue("$p", id);
        cmd.Parameters.AddWithValue("$n", obj.GetProperty("name").GetString());
        cmd.Parameters.AddWithValue("$t", EventTime(obj.GetProperty("time")));
        cmd.Parameters.AddWithValue("$props", obj.TryGetProperty("properties", out var props) ? props.GetRawText() : DBNull.Value);
        cmd.Parameters.AddWithValue("$c", Canonical(obj));
        cmd.Parameters.AddWithValue("$u", ++_clock);
        cmd.ExecuteNonQuery();
        return true;
    }

    /// <summary>Braze records events dated in the future at the current time.</summary>
    private static string EventTime(JsonElement value)
        => BrazeTime.TryParse(value.GetString(), out var t) && t > DateTimeOffset.UtcNow
            ? BrazeTime.Format(DateTimeOffset.UtcNow)
            : NormalizeTime(value);

    private bool ApplyPurchase(JsonElement obj)
    {
        if (ResolveProfile(obj, isAttributes: false) is not { } id)
        {
            return false;
        }

        using var cmd = Command("INSERT INTO purchases (profile_id, product_id, currency, price, quantity, time, properties, canonical) VALUES ($p, $id, $cur, $price, $q, $t, $props, $c); UPDATE profiles SET updated = $u WHERE id = $p;");
        cmd.Parameters.AddWithValue("$p", id);
        cmd.Parameters.AddWithValue("$id", obj.GetProperty("product_id").GetString());
        cmd.Parameters.AddWithValue("$cur", obj.GetProperty("currency").GetString());
        cmd.Parameters.AddWithValue("$price", obj.GetProperty("price").GetDouble());
        cmd.Parameters.AddWithValue("$q", obj.TryGetProperty("quantity", out var q) ? q.GetInt64() : 1);
        cmd.Parameters.AddWithValue("$t", NormalizeTime(obj.GetProperty("time")));
        cmd.Parameters.AddWithValue("$props", obj.TryGetProperty("properties", out var props) ? props.GetRawText() : DBNull.Value);
        cmd.Parameters.AddWithValue("$c", Canonical(obj));
        cmd.Parameters.AddWithValue("$u", ++_clock);
        cmd.ExecuteNonQuery();
        return true;
    }
}
