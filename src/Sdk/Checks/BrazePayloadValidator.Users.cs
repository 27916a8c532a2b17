using System.Text.Json;
using Braze.Generated;
using Braze.Rules;

namespace Braze;

public static partial class BrazePayloadValidator
{
    /// <summary>The identity endpoints this face judges, by path.</summary>
    internal static readonly IReadOnlyList<string> UserOperationPaths =
    [
        "/users/alias/new", "/users/alias/update", "/users/identify", "/users/external_ids/rename", "/users/external_ids/remove", "/users/merge", "/users/delete",
        "/v2/subscription/status/set",
    ];

    /// <summary>
    /// Validates the body of an identity endpoint (<paramref name="path"/> one of <see cref="UserOperationPaths"/>) with
    /// the rules and paths of the typed requests (<c>UserOperation</c>): item counts, required non-empty identifiers,
    /// one identifier per merge side, <c>merge_behavior</c>. A problem anywhere refuses the request (Braze answers 400).
    /// </summary>
    internal static PayloadValidationResult ValidateUserOperation(JsonElement body, string path, BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        if (!IsReadable(context, body) || !RequireObject(context, body))
        {
            return Result(context, requestRejected: true);
        }

        switch (path)
        {
            case "/users/alias/new":
                ObjectList(context, body, "user_aliases", item =>
                {
                    TextField(context, item, "alias_name", required: true);
                    TextField(context, item, "alias_label", required: true);
                    TextField(context, item, "external_id", required: false);
                });
                break;
            case "/users/alias/update":
                ObjectList(context, body, "alias_updates", item =>
                {
                    TextField(context, item, "alias_label", required: true);
                    TextField(context, item, "old_alias_name", required: true);
                    TextField(context, item, "new_alias_name", required: true);
                });
                break;
            case "/users/identify":
                IdentityRules.ItemCount(context, null, Length(body, "aliases_to_identify") + Length(body, "emails_to_identify"));
                if (body.TryGetProperty("merge_behavior", out var behavior))
                {
                    IdentityRules.MergeBehavior(context, behavior.ValueKind == JsonValueKind.String && IdentityRules.MergeBehaviors.Contains(behavior.GetString()) ? null : behavior.ToString());
                }

                ObjectList(context, body, "aliases_to_identify", item =>
                {
                    TextField(context, item, "external_id", required: true);
                    using var scope = context.Enter("user_alias");
                    UserAlias(context, item.TryGetProperty("user_alias", out var alias) ? alias : default);
                }, count: false);
                ObjectList(context, body, "emails_to_identify", item =>
                {
                    TextField(context, item, "external_id", required: true);
                    EmailField(context, item);
                }, count: false);
                break;
            case "/users/external_ids/rename":
                ObjectList(context, body, "external_id_renames", item =>
                {
                    TextField(context, item, "current_external_id", required: true);
                    TextField(context, item, "new_external_id", required: true);
                });
                break;
            case "/users/external_ids/remove":
                StringList(context, body, "external_ids", count: true);
                break;
            case "/users/merge":
                ObjectList(context, body, "merge_updates", item =>
                {
                    MergeSide(context, item, "identifier_to_merge");
                    MergeSide(context, item, "identifier_to_keep");
                });
                break;
            case "/users/delete":
                IdentityRules.ItemCount(context, null, Length(body, "external_ids") + Length(body, "user_aliases") + Length(body, "braze_ids") + Length(body, "email_addresses"));
                StringList(context, body, "external_ids", count: false);
                ObjectList(context, body, "user_aliases", item => UserAlias(context, item), count: false);
                StringList(context, body, "braze_ids", count: false);
                ObjectList(context, body, "email_addresses", item => EmailField(context, item), count: false);
                break;
            case "/v2/subscription/status/set":
                SubscriptionStatusGroups(context, body);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(path), path, "Not an identity endpoint.");
        }

        return Result(context, requestRejected: context.HasErrors);
    }

    private static void SubscriptionStatusGroups(ValidationContext context, JsonElement body)
    {
        var users = 0;
        if (body.TryGetProperty("subscription_groups", out var groups) && groups.ValueKind == JsonValueKind.Array)
        {
            foreach (var group in groups.EnumerateArray().Where(g => g.ValueKind == JsonValueKind.Object))
            {
                users += UserOperation.SubscriptionFields.Sum(f => Length(group, f.Field));
            }
        }

        IdentityRules.ItemCount(context, null, users);
        ObjectList(context, body, "subscription_groups", group =>
        {
            TextField(context, group, "subscription_group_id", required: true);
            using (context.Enter("subscription_state"))
            {
                var state = StringField(group, "subscription_state");
                if (state is null)
                {
                    context.Report(ValidationCodes.Required, "subscription_state is required: subscribed or unsubscribed.");
                }
                else
                {
                    BrazeRules.SubscriptionGroupState(context, state);
                }
            }

            var lists = UserOperation.SubscriptionFields.Count(f => group.TryGetProperty(f.Field, out _));
            IdentityRules.SubscriptionUsers(context, lists, group.TryGetProperty("emails", out _) && group.TryGetProperty("phones", out _));
            foreach (var (kind, field) in UserOperation.SubscriptionFields)
            {
                List(context, group, field, "strings", count: false, item => UserOperation.SubscriptionUser(context, kind, item.ValueKind == JsonValueKind.String ? item.GetString() : null));
            }
        }, count: false);
    }

    private static int Length(JsonElement body, string field)
        => body.TryGetProperty(field, out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;

    /// <summary>An array of objects at <paramref name="field"/> (1..50 when <paramref name="count"/>), each checked by <paramref name="each"/> at <c>field[i]</c>.</summary>
    private static void ObjectList(ValidationContext context, JsonElement body, string field, Action<JsonElement> each, bool count = true)
        => List(context, body, field, "objects", count, item =>
        {
            if (item.ValueKind == JsonValueKind.Object)
            {
                each(item);
            }
            else
            {
                context.Report(ValidationCodes.InvalidType, "Each element must be a JSON object.");
            }
        });

    /// <summary>An array of non-empty strings (identifiers) at <paramref name="field"/>.</summary>
    private static void StringList(ValidationContext context, JsonElement body, string field, bool count)
        => List(context, body, field, "strings", count, item => BrazeRules.IdentifierValue(context, item.ValueKind == JsonValueKind.String ? item.GetString() : null, "external_id"));

    private static void List(ValidationContext context, JsonElement body, string field, string of, bool count, Action<JsonElement> each)
    {
        var present = body.TryGetProperty(field, out var list);
        if (count)
        {
            IdentityRules.ItemCount(context, field, present && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0);
        }

        if (!present)
        {
            return;
        }

        using var scope = context.Enter(field);
        if (list.ValueKind != JsonValueKind.Array)
        {
            context.Report(ValidationCodes.InvalidType, $"{field} must be an array of {of}.");
            return;
        }

        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            using var itemScope = context.Enter(i++);
            each(item);
        }
    }

    private static void TextField(ValidationContext context, JsonElement item, string field, bool required)
    {
        if (!item.TryGetProperty(field, out var value) && !required)
        {
            return;
        }

        using var scope = context.Enter(field);
        BrazeRules.IdentifierValue(context, value.ValueKind == JsonValueKind.String ? value.GetString() : null, field);
    }

    /// <summary>An email identifier: a valid address, and a <c>prioritization</c> (an email can name several profiles).</summary>
    private static void EmailField(ValidationContext context, JsonElement item)
    {
        using (context.Enter("email"))
        {
            var email = StringField(item, "email");
            if (BrazeRules.IdentifierValue(context, email, "email"))
            {
                BrazeRules.Email(context, email!);
            }
        }

        if (!item.TryGetProperty("prioritization", out var order) || order.ValueKind != JsonValueKind.Array || order.GetArrayLength() == 0)
        {
            using var scope = context.Enter("prioritization");
            context.Report(ValidationCodes.Required, "prioritization is required with an email address (for example [\"unidentified\", \"most_recently_updated\"]).");
        }
    }

    /// <summary>One side of a merge: exactly one of external_id, user_alias, email, phone (a braze id is not taken).</summary>
    private static void MergeSide(ValidationContext context, JsonElement item, string field)
    {
        using var scope = context.Enter(field);
        if (!item.TryGetProperty(field, out var side) || side.ValueKind != JsonValueKind.Object)
        {
            context.Report(ValidationCodes.Required, $"{field} is required: an object with one of external_id, user_alias, email, phone.");
            return;
        }

        if (side.TryGetProperty("braze_id", out _))
        {
            IdentityRules.WrongIdentifier(context, "an external id, a user alias, an email address or a phone number");
            return;
        }

        Identifiers(context, side, attributesObject: false);
    }
}
