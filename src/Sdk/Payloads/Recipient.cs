using System.Text.Json;
using Braze.Generated;
using Braze.Payloads;
using Braze.Rules;
using Braze.Wire;

namespace Braze;

/// <summary>
/// One recipient of an API-triggered Canvas or campaign: exactly one of external user id, user alias, braze id or
/// email (phone is not accepted here), with optional per-recipient context / trigger properties, which win over the
/// request-level ones on key conflicts.
/// </summary>
public sealed class Recipient
{
    /// <summary>A recipient for <paramref name="user"/>.</summary>
    public Recipient(UserId user) => User = user ?? throw new ArgumentNullException(nameof(user));

    /// <summary>The user.</summary>
    public UserId User { get; }

    /// <summary>Canvas entry properties for this recipient (<c>context</c>).</summary>
    public IBrazeProperties? Context { get; init; }

    /// <summary>Campaign trigger properties for this recipient (<c>trigger_properties</c>).</summary>
    public IBrazeProperties? TriggerProperties { get; init; }

    /// <summary><c>send_to_existing_only</c> (Braze's default: true). Not allowed with a user alias; false requires <see cref="Attributes"/>.</summary>
    public bool? SendToExistingOnly { get; init; }

    /// <summary>User attributes applied before the send (<c>attributes</c>).</summary>
    public IBrazeProperties? Attributes { get; init; }

    /// <summary><c>prioritization</c>, required when the recipient is given by email (for example <c>["identified", "most_recently_updated"]</c>).</summary>
    public IReadOnlyList<string>? Prioritization { get; init; }

    /// <summary>Implicit recipient from a user id.</summary>
    public static implicit operator Recipient(UserId user) => new(user);

    /// <summary>Same as the implicit conversion.</summary>
    public static Recipient FromUserId(UserId user) => new(user);

    /// <summary>Writes the recipient object; <paramref name="contextName"/> is <c>context</c> or the older <c>canvas_entry_properties</c>.</summary>
    internal void WriteTo(Utf8JsonWriter writer, BrazeWriteContext context, string contextName = "context")
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        switch (User.Kind)
        {
            case UserIdKind.External:
                writer.WriteString("external_user_id", User.Value);
                break;
            case UserIdKind.Alias:
                writer.WritePropertyName(JsonNames.UserAlias);
                User.WriteAliasObject(writer);
                break;
            case UserIdKind.BrazeId:
                writer.WriteString(JsonNames.BrazeId, User.Value);
                break;
            default:
                writer.WriteString(User.Kind == UserIdKind.Email ? JsonNames.Email : JsonNames.Phone, User.Value);
                break;
        }

        if (Prioritization is not null)
        {
            writer.WriteStartArray("prioritization");
            foreach (var p in Prioritization)
            {
                writer.WriteStringValue(p);
            }

            writer.WriteEndArray();
        }

        ObjectWriter.Properties(writer, JsonEncodedText.Encode(contextName), Context, context);
        ObjectWriter.Properties(writer, JsonNames.TriggerProperties, TriggerProperties, context);

        if (SendToExistingOnly is { } existing)
        {
            writer.WriteBoolean("send_to_existing_only", existing);
        }

        if (Attributes is not null)
        {
            writer.WritePropertyName(JsonNames.Attributes);
            Attributes.WriteTo(writer, context);
        }

        writer.WriteEndObject();
    }

    /// <summary>Checks the recipient at the context's path.</summary>
    internal void Validate(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (User.Kind == UserIdKind.Phone)
        {
            context.Push("phone");
            ScheduleRules.RecipientPhone(context);
            context.Pop();
        }
        else if (User.Kind == UserIdKind.External)
        {
            context.Push("external_user_id");
            BrazeRules.IdentifierValue(context, User.Value, "external_user_id");
            context.Pop();
        }
        else
        {
            User.Validate(context);
        }

        ScheduleRules.RecipientOptions(context, User.Kind == UserIdKind.Email, Prioritization is { Count: > 0 }, User.Kind == UserIdKind.Alias, SendToExistingOnly, Attributes is not null);
        PayloadChecks.Properties(context, "context", Context, PropertiesUsage.CanvasContext);
        PayloadChecks.Properties(context, "trigger_properties", TriggerProperties, PropertiesUsage.TriggerProperties);
        if (Attributes is not null)
        {
            context.Push("attributes");
            Attributes.Validate(context, PropertiesUsage.NestedProperty);
            context.Pop();
        }
    }
}
