using System.Text.Json;
using Braze.Generated;
using Braze.Rules;

namespace Braze;

/// <summary>An alias to create (<c>POST /users/alias/new</c>): on the profile of <see cref="ExternalId"/>, or as a new alias-only profile.</summary>
public sealed class NewUserAlias
{
    /// <summary>An alias; with <paramref name="externalId"/> it is added to that user, without it Braze creates an alias-only profile.</summary>
    public NewUserAlias(string aliasName, string aliasLabel, string? externalId = null)
    {
        AliasName = aliasName ?? throw new ArgumentNullException(nameof(aliasName));
        AliasLabel = aliasLabel ?? throw new ArgumentNullException(nameof(aliasLabel));
        ExternalId = externalId;
    }

    /// <summary>The alias name.</summary>
    public string AliasName { get; }

    /// <summary>The alias label.</summary>
    public string AliasLabel { get; }

    /// <summary>The user the alias is added to, or null for an alias-only profile.</summary>
    public string? ExternalId { get; }
}

/// <summary>A new name for an existing alias (<c>POST /users/alias/update</c>); the label stays.</summary>
public sealed class UserAliasUpdate
{
    /// <summary>Renames the alias <paramref name="oldAliasName"/> of <paramref name="aliasLabel"/> to <paramref name="newAliasName"/>.</summary>
    public UserAliasUpdate(string aliasLabel, string oldAliasName, string newAliasName)
    {
        AliasLabel = aliasLabel ?? throw new ArgumentNullException(nameof(aliasLabel));
        OldAliasName = oldAliasName ?? throw new ArgumentNullException(nameof(oldAliasName));
        NewAliasName = newAliasName ?? throw new ArgumentNullException(nameof(newAliasName));
    }

    /// <summary>The alias label.</summary>
    public string AliasLabel { get; }

    /// <summary>The alias name today.</summary>
    public string OldAliasName { get; }

    /// <summary>The alias name after the update.</summary>
    public string NewAliasName { get; }
}

/// <summary>
/// Identifies an anonymous profile (<c>POST /users/identify</c>): the profile found by <see cref="User"/> (a user alias,
/// or an email address for <c>emails_to_identify</c>) becomes, or merges into, the user <see cref="ExternalId"/>.
/// </summary>
public sealed class UserIdentification
{
    /// <summary>Identifies the profile of <paramref name="user"/> (<see cref="UserId.Alias"/> or <see cref="UserId.Email"/>) as <paramref name="externalId"/>.</summary>
    public UserIdentification(string externalId, UserId user)
    {
        ExternalId = externalId ?? throw new ArgumentNullException(nameof(externalId));
        User = user ?? throw new ArgumentNullException(nameof(user));
    }

    /// <summary>The external id the profile is identified as.</summary>
    public string ExternalId { get; }

    /// <summary>The anonymous profile: a user alias or an email address.</summary>
    public UserId User { get; }
}

/// <summary>What <c>/users/identify</c> does with the anonymous profile's data.</summary>
public enum MergeBehavior
{
    /// <summary><c>merge</c> (Braze's default): the anonymous profile's attributes the known user lacks, its events and purchases move to the known user.</summary>
    Merge = 0,

    /// <summary><c>none</c>: the alias is added to the known user; no data moves.</summary>
    None = 1,
}

/// <summary>A rename (<c>POST /users/external_ids/rename</c>): the old id stays as a deprecated id until removed.</summary>
public sealed class ExternalIdRename
{
    /// <summary>Renames <paramref name="currentExternalId"/> to <paramref name="newExternalId"/>.</summary>
    public ExternalIdRename(string currentExternalId, string newExternalId)
    {
        CurrentExternalId = currentExternalId ?? throw new ArgumentNullException(nameof(currentExternalId));
        NewExternalId = newExternalId ?? throw new ArgumentNullException(nameof(newExternalId));
    }

    /// <summary>The external id today.</summary>
    public string CurrentExternalId { get; }

    /// <summary>The external id after the rename.</summary>
    public string NewExternalId { get; }
}

/// <summary>A merge (<c>POST /users/merge</c>): <see cref="ToMerge"/> is merged into <see cref="ToKeep"/> and removed.</summary>
public sealed class UserMerge
{
    /// <summary>Merges the profile of <paramref name="toMerge"/> into the profile of <paramref name="toKeep"/>.</summary>
    public UserMerge(UserId toMerge, UserId toKeep)
    {
        ToMerge = toMerge ?? throw new ArgumentNullException(nameof(toMerge));
        ToKeep = toKeep ?? throw new ArgumentNullException(nameof(toKeep));
    }

    /// <summary>The profile that is merged and removed.</summary>
    public UserId ToMerge { get; }

    /// <summary>The profile that receives its data (and wins conflicts).</summary>
    public UserId ToKeep { get; }
}

/// <summary>
/// A subscription group change for some users (<c>POST /v2/subscription/status/set</c>): by external ids, email
/// addresses or phone numbers (not emails and phones in one group).
/// </summary>
public sealed class SubscriptionStatusUpdate
{
    /// <summary>Sets <paramref name="change"/> for <paramref name="users"/> (external ids, emails or phone numbers).</summary>
    public SubscriptionStatusUpdate(SubscriptionGroupChange change, IEnumerable<UserId> users)
    {
        Change = change ?? throw new ArgumentNullException(nameof(change));
        Users = [.. users ?? throw new ArgumentNullException(nameof(users))];
    }

    /// <summary>The group and its new state.</summary>
    public SubscriptionGroupChange Change { get; }

    /// <summary>The users, by external id, email address or phone number.</summary>
    public IReadOnlyList<UserId> Users { get; }
}

/// <summary>
/// One identity request of the <c>/users/...</c> family as the SDK sends it: its rules (the typed face, reported at
/// the paths of the body) and its writer. Built by the client from the public request types.
/// </summary>
internal sealed class UserOperation
{
    private readonly Action<ValidationContext> _validate;
    private readonly Action<Utf8JsonWriter> _write;

    private UserOperation(int count, Action<ValidationContext> validate, Action<Utf8JsonWriter> write)
    {
        Count = count;
        _validate = validate;
        _write = write;
    }

    /// <summary>How many items the request holds (for the log line).</summary>
    public int Count { get; }

    /// <summary>Every rule of the request; the errors name their JSON paths.</summary>
    public PayloadValidationResult Validate(BrazeValidationOptions? options)
    {
        var context = new ValidationContext(options);
        _validate(context);
        return new PayloadValidationResult([.. context.Errors], requestRejected: context.HasErrors);
    }

    /// <summary>Writes the body.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        _write(writer);
        writer.WriteEndObject();
    }

    /// <summary><c>{"user_aliases": [{"alias_name", "alias_label", "external_id"?}]}</c>.</summary>
    public static UserOperation NewAliases(IReadOnlyList<NewUserAlias> aliases) => new(
        aliases.Count,
        context => Items(context, "user_aliases", aliases, (c, a) =>
        {
            BrazeRules.IdentifierPair(c, "alias_name", a.AliasName, "alias_label", a.AliasLabel);
            if (a.ExternalId is not null)
            {
                using var scope = c.Enter("external_id");
                BrazeRules.IdentifierValue(c, a.ExternalId, "external_id");
            }
        }),
        writer => Array(writer, "user_aliases", aliases, (w, a) =>
        {
            if (a.ExternalId is not null)
            {
                w.WriteString("external_id", a.ExternalId);
            }

            w.WriteString("alias_name", a.AliasName);
            w.WriteString("alias_label", a.AliasLabel);
        }));

    /// <summary><c>{"alias_updates": [{"alias_label", "old_alias_name", "new_alias_name"}]}</c>.</summary>
    public static UserOperation UpdateAliases(IReadOnlyList<UserAliasUpdate> updates) => new(
        updates.Count,
        context => Items(context, "alias_updates", updates, (c, u) =>
        {
            RequiredField(c, "alias_label", u.AliasLabel);
            RequiredField(c, "old_alias_name", u.OldAliasName);
            RequiredField(c, "new_alias_name", u.NewAliasName);
        }),
        writer => Array(writer, "alias_updates", updates, (w, u) =>
        {
            w.WriteString("alias_label", u.AliasLabel);
            w.WriteString("old_alias_name", u.OldAliasName);
            w.WriteString("new_alias_name", u.NewAliasName);
        }));

    /// <summary>
    /// <c>{"aliases_to_identify": [{"external_id", "user_alias"}], "emails_to_identify": [{"external_id", "email", "prioritization"}], "merge_behavior"}</c>;
    /// the 50-item limit counts both lists together.
    /// </summary>
    public static UserOperation Identify(IReadOnlyList<UserIdentification> identifications, MergeBehavior mergeBehavior)
    {
        var aliases = identifications.Where(i => i?.User.Kind != UserIdKind.Email).ToList();
        var emails = identifications.Where(i => i?.User.Kind == UserIdKind.Email).ToList();
        return new(
            identifications.Count,
            context =>
            {
                IdentityRules.ItemCount(context, null, identifications.Count);
                IdentityRules.MergeBehavior(context, mergeBehavior is MergeBehavior.Merge or MergeBehavior.None ? null : mergeBehavior.ToString());
                Each(context, "aliases_to_identify", aliases, (c, i) =>
                {
                    RequiredField(c, "external_id", i.ExternalId);
                    if (i.User.Kind != UserIdKind.Alias)
                    {
                        using var scope = c.Enter("user_alias");
                        IdentityRules.WrongIdentifier(c, "a user alias or an email address");
                    }
                    else
                    {
                        using var scope = c.Enter("user_alias");
                        BrazeRules.IdentifierPair(c, "alias_name", i.User.Value, "alias_label", i.User.AliasLabel);
                    }
                });
                Each(context, "emails_to_identify", emails, (c, i) =>
                {
                    RequiredField(c, "external_id", i.ExternalId);
                    using var scope = c.Enter("email");
                    if (BrazeRules.IdentifierValue(c, i.User.Value, "email"))
                    {
                        BrazeRules.Email(c, i.User.Value);
                    }
                });
            },
            writer =>
            {
                if (aliases.Count > 0 || emails.Count == 0)
                {
                    Array(writer, "aliases_to_identify", aliases, (w, i) =>
                    {
                        w.WriteString("external_id", i.ExternalId);
                        w.WritePropertyName("user_alias");
                        i.User.WriteAliasObject(w);
                    });
                }

                if (emails.Count > 0)
                {
                    Array(writer, "emails_to_identify", emails, (w, i) =>
                    {
                        w.WriteString("external_id", i.ExternalId);
                        w.WriteString("email", i.User.Value);
                        w.WriteStartArray("prioritization");
                        w.WriteStringValue("unidentified");
                        w.WriteStringValue("most_recently_updated");
                        w.WriteEndArray();
                    });
                }

                writer.WriteString("merge_behavior", mergeBehavior == MergeBehavior.None ? "none" : "merge");
            });
    }

    /// <summary><c>{"external_id_renames": [{"current_external_id", "new_external_id"}]}</c>.</summary>
    public static UserOperation Rename(IReadOnlyList<ExternalIdRename> renames) => new(
        renames.Count,
        context => Items(context, "external_id_renames", renames, (c, r) =>
        {
            RequiredField(c, "current_external_id", r.CurrentExternalId);
            RequiredField(c, "new_external_id", r.NewExternalId);
        }),
        writer => Array(writer, "external_id_renames", renames, (w, r) =>
        {
            w.WriteString("current_external_id", r.CurrentExternalId);
            w.WriteString("new_external_id", r.NewExternalId);
        }));

    /// <summary><c>{"external_ids": [...]}</c> of deprecated ids to remove.</summary>
    public static UserOperation RemoveExternalIds(IReadOnlyList<string> externalIds) => new(
        externalIds.Count,
        context => Strings(context, "external_ids", externalIds),
        writer => StringArray(writer, "external_ids", externalIds));

    /// <summary><c>{"merge_updates": [{"identifier_to_merge": {...}, "identifier_to_keep": {...}}]}</c>.</summary>
    public static UserOperation Merge(IReadOnlyList<UserMerge> merges) => new(
        merges.Count,
        context => Items(context, "merge_updates", merges, (c, m) =>
        {
            MergeIdentifier(c, "identifier_to_merge", m.ToMerge);
            MergeIdentifier(c, "identifier_to_keep", m.ToKeep);
        }),
        writer => Array(writer, "merge_updates", merges, (w, m) =>
        {
            MergeIdentifier(w, "identifier_to_merge", m.ToMerge);
            MergeIdentifier(w, "identifier_to_keep", m.ToKeep);
        }));

    /// <summary>
    /// <c>{"external_ids": [...], "user_aliases": [...], "braze_ids": [...], "email_addresses": [{"email", "prioritization"}]}</c>;
    /// at most 50 identifiers in total; phone numbers are not an identifier of this endpoint.
    /// </summary>
    public static UserOperation Delete(IReadOnlyList<UserId> users)
    {
        List<UserId> Of(UserIdKind kind) => [.. users.Where(u => u?.Kind == kind)];
        var (external, aliases, brazeIds, emails, phones) = (Of(UserIdKind.External), Of(UserIdKind.Alias), Of(UserIdKind.BrazeId), Of(UserIdKind.Email), Of(UserIdKind.Phone));
        return new(
            users.Count,
            context =>
            {
                IdentityRules.ItemCount(context, null, users.Count);
                Strings(context, "external_ids", [.. external.Select(u => u.Value)], countItems: false);
                Each(context, "user_aliases", aliases, (c, u) => BrazeRules.IdentifierPair(c, "alias_name", u.Value, "alias_label", u.AliasLabel));
                Strings(context, "braze_ids", [.. brazeIds.Select(u => u.Value)], countItems: false);
                Each(context, "email_addresses", emails, (c, u) =>
                {
                    using var scope = c.Enter("email");
                    if (BrazeRules.IdentifierValue(c, u.Value, "email"))
                    {
                        BrazeRules.Email(c, u.Value);
                    }
                });
                if (phones.Count > 0)
                {
                    IdentityRules.WrongIdentifier(context, "an external id, a user alias, a braze id or an email address (not a phone number)");
                }
            },
            writer =>
            {
                if (external.Count > 0)
                {
                    StringArray(writer, "external_ids", [.. external.Select(u => u.Value)]);
                }

                if (aliases.Count > 0)
                {
                    writer.WriteStartArray("user_aliases");
                    aliases.ForEach(a => a.WriteAliasObject(writer));
                    writer.WriteEndArray();
                }

                if (brazeIds.Count > 0)
                {
                    StringArray(writer, "braze_ids", [.. brazeIds.Select(u => u.Value)]);
                }

                if (emails.Count > 0)
                {
                    Array(writer, "email_addresses", emails, (w, u) =>
                    {
                        w.WriteString("email", u.Value);
                        w.WriteStartArray("prioritization");
                        w.WriteStringValue("most_recently_updated");
                        w.WriteEndArray();
                    });
                }
            });
    }

    /// <summary>
    /// <c>{"subscription_groups": [{"subscription_group_id", "subscription_state", "external_ids"?, "emails"?, "phones"?}]}</c>;
    /// at most 50 users in the whole request.
    /// </summary>
    public static UserOperation SubscriptionStatus(IReadOnlyList<SubscriptionStatusUpdate> updates) => new(
        updates.Sum(u => u?.Users.Count ?? 0),
        context =>
        {
            IdentityRules.ItemCount(context, null, updates.Sum(u => u?.Users.Count ?? 0));
            Each(context, "subscription_groups", updates, (c, u) =>
            {
                RequiredField(c, "subscription_group_id", u.Change.SubscriptionGroupId);
                var byKind = u.Users.Where(x => x is not null).GroupBy(x => x.Kind).ToDictionary(g => g.Key, g => g.Select(x => x.Value).ToList());
                if (byKind.Keys.Any(k => k is not (UserIdKind.External or UserIdKind.Email or UserIdKind.Phone)))
                {
                    IdentityRules.WrongIdentifier(c, "external ids, email addresses or phone numbers");
                }

                IdentityRules.SubscriptionUsers(c, byKind.Count(k => k.Key is UserIdKind.External or UserIdKind.Email or UserIdKind.Phone), byKind.ContainsKey(UserIdKind.Email) && byKind.ContainsKey(UserIdKind.Phone));
                foreach (var (kind, field) in SubscriptionFields)
                {
                    if (byKind.TryGetValue(kind, out var values))
                    {
                        using var scope = c.Enter(field);
                        for (var i = 0; i < values.Count; i++)
                        {
                            using var item = c.Enter(i);
                            SubscriptionUser(c, kind, values[i]);
                        }
                    }
                }
            });
        },
        writer => Array(writer, "subscription_groups", updates, (w, u) =>
        {
            w.WriteString("subscription_group_id", u.Change.SubscriptionGroupId);
            w.WriteString("subscription_state", u.Change.Subscribed ? "subscribed" : "unsubscribed");
            foreach (var (kind, field) in SubscriptionFields)
            {
                var values = u.Users.Where(x => x?.Kind == kind).Select(x => x.Value).ToList();
                if (values.Count > 0)
                {
                    StringArray(w, field, values);
                }
            }
        }));

    /// <summary>The identifier lists of a subscription group update, by kind.</summary>
    internal static readonly (UserIdKind Kind, string Field)[] SubscriptionFields = [(UserIdKind.External, "external_ids"), (UserIdKind.Email, "emails"), (UserIdKind.Phone, "phones")];

    /// <summary>One user of a subscription group update: a non-empty id, a valid email address or an E.164 phone number.</summary>
    internal static void SubscriptionUser(ValidationContext context, UserIdKind kind, string? value)
    {
        if (BrazeRules.IdentifierValue(context, value, kind == UserIdKind.External ? "external_id" : kind == UserIdKind.Email ? "email" : "phone") && kind != UserIdKind.External)
        {
            _ = kind == UserIdKind.Email ? BrazeRules.Email(context, value!) : BrazeRules.Phone(context, value!);
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>The item count rule at <paramref name="field"/>, then each item at <c>field[i]</c>.</summary>
    private static void Items<T>(ValidationContext context, string field, IReadOnlyList<T> items, Action<ValidationContext, T> each)
        where T : class
    {
        IdentityRules.ItemCount(context, field, items.Count);
        Each(context, field, items, each);
    }

    private static void Each<T>(ValidationContext context, string field, IReadOnlyList<T> items, Action<ValidationContext, T> each)
        where T : class
    {
        using var scope = context.Enter(field);
        for (var i = 0; i < items.Count; i++)
        {
            using var item = context.Enter(i);
            if (items[i] is { } value)
            {
                each(context, value);
            }
            else
            {
                context.Report(ValidationCodes.Required, "The item is null.");
            }
        }
    }

    private static void Strings(ValidationContext context, string field, IReadOnlyList<string> values, bool countItems = true)
    {
        if (countItems)
        {
            IdentityRules.ItemCount(context, field, values.Count);
        }

        using var scope = context.Enter(field);
        for (var i = 0; i < values.Count; i++)
        {
            using var item = context.Enter(i);
            BrazeRules.IdentifierValue(context, values[i], "external_id");
        }
    }

    private static void RequiredField(ValidationContext context, string field, string value)
    {
        using var scope = context.Enter(field);
        BrazeRules.IdentifierValue(context, value, field);
    }

    private static void MergeIdentifier(ValidationContext context, string field, UserId user)
    {
        using var scope = context.Enter(field);
        if (user.Kind == UserIdKind.BrazeId)
        {
            IdentityRules.WrongIdentifier(context, "an external id, a user alias, an email address or a phone number");
            return;
        }

        user.Validate(context);
    }

    /// <summary>An identifier of a merge; an email or phone number names several profiles, so Braze needs a prioritization.</summary>
    private static void MergeIdentifier(Utf8JsonWriter writer, string field, UserId user)
    {
        writer.WriteStartObject(field);
        user.WriteTo(writer);
        if (user.Kind is UserIdKind.Email or UserIdKind.Phone)
        {
            writer.WriteStartArray("prioritization");
            writer.WriteStringValue("identified");
            writer.WriteStringValue("most_recently_updated");
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void Array<T>(Utf8JsonWriter writer, string field, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> write)
    {
        writer.WriteStartArray(field);
        foreach (var item in items)
        {
            writer.WriteStartObject();
            write(writer, item);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void StringArray(Utf8JsonWriter writer, string field, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(field);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
