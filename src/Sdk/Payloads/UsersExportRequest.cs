using System.Text.Json;
using Braze.Generated;
using Braze.Rules;
using Braze.Shared;

namespace Braze;

/// <summary>
/// Which profiles <c>POST /users/export/ids</c> returns: up to 50 external ids and up to 50 user aliases, and at most
/// one braze id, one email address and one phone number (every profile with that email or phone), optionally limited
/// to some fields.
/// </summary>
public sealed class UsersExportRequest
{
    /// <summary>The most external ids, and separately the most user aliases, in one export request (Braze's limit).</summary>
    internal const int MaxIdsPerRequest = BrazeLimits.MaxExportIdentifiers;

    /// <summary>Profiles identified by <paramref name="users"/>.</summary>
    public UsersExportRequest(params UserId[] users)
        : this((IEnumerable<UserId>)users)
    {
    }

    /// <summary>Profiles identified by <paramref name="users"/>.</summary>
    public UsersExportRequest(IEnumerable<UserId> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        Users = [.. users];
    }

    /// <summary>The users to export, each by any kind of identifier.</summary>
    internal IReadOnlyList<UserId> Users { get; }

    /// <summary><c>fields_to_export</c>: the top-level profile fields to return (all when empty).</summary>
    public IReadOnlyList<string> FieldsToExport { get; init; } = [];

    /// <summary>Checks Braze's limits on an export request; every error names its JSON path.</summary>
    public PayloadValidationResult Validate(BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        if (Users.Count == 0)
        {
            context.Report(ValidationCodes.Required, "An export request needs at least one user identifier.");
        }

        Limit(context, UserIdKind.External, "external_ids", MaxIdsPerRequest);
        Limit(context, UserIdKind.Alias, "user_aliases", MaxIdsPerRequest);
        Limit(context, UserIdKind.BrazeId, "braze_id", 1);
        Limit(context, UserIdKind.Email, "email_address", 1);
        Limit(context, UserIdKind.Phone, "phone", 1);
        int external = 0, alias = 0;
        foreach (var user in Users)
        {
            if (user is null)
            {
                context.Report(ValidationCodes.IdentifierMissing, "A user identifier is null.");
                continue;
            }

            switch (user.Kind)
            {
                case UserIdKind.External:
                    using (context.Enter("external_ids"))
                    using (context.Enter(external++))
                    {
                        BrazeRules.IdentifierValue(context, user.Value, "external_id");
                    }

                    break;
                case UserIdKind.Alias:
                    using (context.Enter("user_aliases"))
                    using (context.Enter(alias++))
                    {
                        BrazeRules.IdentifierPair(context, "alias_name", user.Value, "alias_label", user.AliasLabel);
                    }

                    break;
                default:
                    using (context.Enter(FieldOf(user.Kind)))
                    {
                        BrazeRules.IdentifierValue(context, user.Value, FieldOf(user.Kind));
                    }

                    break;
            }
        }

        for (var i = 0; i < FieldsToExport.Count; i++)
        {
            context.Push("fields_to_export");
            context.Push(i);
            if (string.IsNullOrWhiteSpace(FieldsToExport[i]))
            {
                context.Report(ValidationCodes.NameEmpty, "A field to export is empty.");
            }

            context.Pop();
            context.Pop();
        }

        return new PayloadValidationResult([.. context.Errors], requestRejected: context.HasErrors);
    }

    private static string FieldOf(UserIdKind kind) => kind switch
    {
        UserIdKind.BrazeId => "braze_id",
        UserIdKind.Email => "email_address",
        _ => "phone",
    };

    /// <summary>Writes the request body.</summary>
    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (Users.Any(u => u.Kind == UserIdKind.External))
        {
            writer.WriteStartArray("external_ids");
            foreach (var user in Users.Where(u => u.Kind == UserIdKind.External))
            {
                writer.WriteStringValue(user.Value);
            }

            writer.WriteEndArray();
        }

        if (Users.Any(u => u.Kind == UserIdKind.Alias))
        {
            writer.WriteStartArray("user_aliases");
            foreach (var user in Users.Where(u => u.Kind == UserIdKind.Alias))
            {
                user.WriteAliasObject(writer);
            }

            writer.WriteEndArray();
        }

        foreach (var kind in (ReadOnlySpan<UserIdKind>)[UserIdKind.BrazeId, UserIdKind.Email, UserIdKind.Phone])
        {
            if (Users.FirstOrDefault(u => u.Kind == kind) is { } user)
            {
                writer.WriteString(FieldOf(kind), user.Value);
            }
        }

        if (FieldsToExport.Count > 0)
        {
            writer.WriteStartArray("fields_to_export");
            foreach (var field in FieldsToExport)
            {
                writer.WriteStringValue(field);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private void Limit(ValidationContext context, UserIdKind kind, string field, int max)
    {
        var count = Users.Count(u => u?.Kind == kind);
        if (count > max)
        {
            context.Push(field);
            context.Report(ValidationCodes.TooManyObjects, max == 1
                ? $"An export request takes one {field}; this one has {count}."
                : $"An export request takes at most {max} {field}; this one has {count}.");
            context.Pop();
        }
    }
}
