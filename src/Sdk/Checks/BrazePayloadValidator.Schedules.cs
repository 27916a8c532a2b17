using System.Text;
using System.Text.Json;
using Braze.Generated;
using Braze.Payloads;
using Braze.Rules;
using Braze.Wire;

namespace Braze;

public static partial class BrazePayloadValidator
{
    /// <summary>
    /// Validates a schedule create body (spec §8.1, §8.4): the Canvas or campaign id, at most 50 recipients with one
    /// identifier each (no phone; email needs prioritization), broadcast without recipients, context / trigger
    /// properties at most 50 KB, and the schedule object.
    /// </summary>
    /// <param name="body">The request body.</param>
    /// <param name="target">Canvas (<c>/canvas/trigger/schedule/create</c>) or campaign.</param>
    /// <param name="options">Limits; the defaults when null.</param>
    public static PayloadValidationResult ValidateScheduleCreate(JsonElement body, ScheduleTarget target, BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        if (!IsReadable(context, body) || !RequireObject(context, body))
        {
            return Result(context, requestRejected: true);
        }

        MessageBody(context, body, target);
        Schedule(context, body);
        return Result(context, requestRejected: context.HasErrors);
    }

    /// <summary>
    /// Validates a trigger send body (<c>/canvas/trigger/send</c>, <c>/campaigns/trigger/send</c>): the fields of a
    /// schedule create without the schedule.
    /// </summary>
    /// <param name="body">The request body.</param>
    /// <param name="target">Canvas or campaign.</param>
    /// <param name="options">Limits; the defaults when null.</param>
    public static PayloadValidationResult ValidateTriggerSend(JsonElement body, ScheduleTarget target, BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        if (!IsReadable(context, body) || !RequireObject(context, body))
        {
            return Result(context, requestRejected: true);
        }

        MessageBody(context, body, target);
        return Result(context, requestRejected: context.HasErrors);
    }

    /// <summary>Who a message goes to and with which properties (the typed face's <c>MessageFields</c>).</summary>
    private static void MessageBody(ValidationContext context, JsonElement body, ScheduleTarget target)
    {
        RequiredId(context, body, target.IdField());
        var broadcast = body.TryGetProperty("broadcast", out var b) && b.ValueKind == JsonValueKind.True;
        var hasRecipients = false;
        if (body.TryGetProperty("recipients", out var recipients))
        {
            using var scope = context.Enter("recipients");
            if (recipients.ValueKind != JsonValueKind.Array)
            {
                context.Report(ValidationCodes.InvalidType, "recipients must be an array of recipient objects.");
            }
            else
            {
                hasRecipients = recipients.GetArrayLength() > 0;
                BrazeRules.RecipientCount(context, recipients.GetArrayLength());
                var i = 0;
                foreach (var recipient in recipients.EnumerateArray())
                {
                    using var item = context.Enter(i++);
                    Recipient(context, recipient);
                }
            }
        }

        BrazeRules.Broadcast(context, broadcast, hasRecipients);
        ScheduleRules.HasTargets(context, hasRecipients, body.TryGetProperty("audience", out var audience) && audience.ValueKind != JsonValueKind.Null, broadcast);
        foreach (var field in (ReadOnlySpan<string>)["context", "canvas_entry_properties", "trigger_properties"])
        {
            ScheduleProperties(context, body, field);
        }
    }

    /// <summary>Validates a schedule update body: id, <c>schedule_id</c> and a whole <c>schedule</c>.</summary>
    public static PayloadValidationResult ValidateScheduleUpdate(JsonElement body, ScheduleTarget target, BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        if (IsReadable(context, body) && RequireObject(context, body))
        {
            RequiredId(context, body, target.IdField());
            RequiredId(context, body, "schedule_id");
            Schedule(context, body);
        }

        return Result(context, requestRejected: context.HasErrors);
    }

    /// <summary>Validates a schedule delete body: id and <c>schedule_id</c>.</summary>
    public static PayloadValidationResult ValidateScheduleDelete(JsonElement body, ScheduleTarget target, BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        if (IsReadable(context, body) && RequireObject(context, body))
        {
            RequiredId(context, body, target.IdField());
            RequiredId(context, body, "schedule_id");
        }

        return Result(context, requestRejected: context.HasErrors);
    }

    private static bool RequireObject(ValidationContext context, JsonElement body)
    {
        if (body.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        context.Report(ValidationCodes.MalformedJson, "The body must be a JSON object.");
        return false;
    }

    private static void RequiredId(ValidationContext context, JsonElement body, string field)
    {
        using var scope = context.Enter(field);
        var value = body.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        BrazeRules.IdentifierValue(context, value, field);
    }

    private static void Recipient(ValidationContext context, JsonElement recipient)
    {
        if (recipient.ValueKind != JsonValueKind.Object)
        {
            context.Report(ValidationCodes.InvalidType, "A recipient must be an object.");
            return;
        }

        var identifiers = 0;
        foreach (var field in (ReadOnlySpan<string>)["external_user_id", "braze_id", "email"])
        {
            if (recipient.TryGetProperty(field, out var value))
            {
                identifiers++;
                using var scope = context.Enter(field);
                var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                if (BrazeRules.IdentifierValue(context, text, field) && field == "email")
                {
                    BrazeRules.Email(context, text!);
                }
            }
        }

        var byAlias = recipient.TryGetProperty("user_alias", out var alias);
        if (byAlias)
        {
            identifiers++;
            using var scope = context.Enter("user_alias");
            UserAlias(context, alias);
        }

        if (recipient.TryGetProperty("phone", out _))
        {
            using var scope = context.Enter("phone");
            ScheduleRules.RecipientPhone(context);
        }

        if (identifiers != 1)
        {
            context.Report(ValidationCodes.IdentifierMultiple, $"A recipient needs exactly one of external_user_id, user_alias, braze_id, email; it has {identifiers}.");
        }

        bool? existingOnly = recipient.TryGetProperty("send_to_existing_only", out var e) && e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : null;
        ScheduleRules.RecipientOptions(
            context,
            byEmail: recipient.TryGetProperty("email", out _),
            hasPrioritization: recipient.TryGetProperty("prioritization", out var p) && p.ValueKind == JsonValueKind.Array && p.GetArrayLength() > 0,
            byAlias: byAlias,
            sendToExistingOnly: existingOnly,
            hasAttributes: recipient.TryGetProperty("attributes", out var a) && a.ValueKind == JsonValueKind.Object);
        foreach (var field in (ReadOnlySpan<string>)["context", "canvas_entry_properties", "trigger_properties"])
        {
            ScheduleProperties(context, recipient, field);
        }
    }

    private static void ScheduleProperties(ValidationContext context, JsonElement owner, string field)
    {
        if (!owner.TryGetProperty(field, out var value))
        {
            return;
        }

        using var scope = context.Enter(field);
        if (value.ValueKind != JsonValueKind.Object)
        {
            context.Report(ValidationCodes.InvalidType, $"{field} must be a JSON object.");
            return;
        }

        NestedObject(context, value, field == "trigger_properties" ? PropertiesUsage.TriggerProperties : PropertiesUsage.CanvasContext);
        BrazeRules.ScheduleContextSize(context, Measure(value));
    }

    private static void Schedule(ValidationContext context, JsonElement body)
    {
        using var scope = context.Enter("schedule");
        if (!body.TryGetProperty("schedule", out var schedule) || schedule.ValueKind != JsonValueKind.Object)
        {
            context.Report(ValidationCodes.Required, "schedule is required: {\"time\": ..., \"in_local_time\": ..., \"at_optimal_time\": ...}.");
            return;
        }

        var local = schedule.TryGetProperty("in_local_time", out var l) && l.ValueKind == JsonValueKind.True;
        var optimal = schedule.TryGetProperty("at_optimal_time", out var o) && o.ValueKind == JsonValueKind.True;
        BrazeRules.ScheduleFlags(context, local, optimal);
        using var time = context.Enter("time");
        if (!schedule.TryGetProperty("time", out var t) || t.ValueKind != JsonValueKind.String)
        {
            context.Report(ValidationCodes.Required, "schedule.time is required (ISO 8601).");
            return;
        }

        var text = t.GetString();
        if (BrazeRules.TimeString(context, text, BrazeTimeFormats.Iso) && BrazeTime.TryParseTicks(text, BrazeTimeFormats.Iso, out var ticks))
        {
            ScheduleRules.Window(context, ticks, local, optimal, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>Same as <see cref="ValidateScheduleCreate(JsonElement, ScheduleTarget, BrazeValidationOptions?)"/> over text.</summary>
    public static PayloadValidationResult ValidateScheduleCreate(string json, ScheduleTarget target, BrazeValidationOptions? options = null)
        => ValidateText(json, options, root => ValidateScheduleCreate(root, target, options));

    private static PayloadValidationResult ValidateText(string json, BrazeValidationOptions? options, Func<JsonElement, PayloadValidationResult> validate)
    {
        ArgumentNullException.ThrowIfNull(json);
        var context = new ValidationContext(options);
        if (!TryParse(context, Encoding.UTF8.GetBytes(json), out var document))
        {
            return Result(context, requestRejected: true);
        }

        using (document)
        {
            return validate(document.RootElement);
        }
    }
}
