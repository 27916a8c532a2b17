using System.Text.Json;
using Braze.Generated;
using Braze.Payloads;
using Braze.Rules;
using Braze.Wire;

namespace Braze;

/// <summary>
/// Who an API-triggered Canvas or campaign goes to and with which properties: the fields a schedule create
/// (<see cref="ScheduleRequest"/>) and a trigger send (<see cref="TriggerSendRequest"/>) share, checked and written once.
/// </summary>
internal readonly record struct MessageFields(
    ScheduleTarget Target, string Id, IReadOnlyList<Recipient> Recipients, bool Broadcast, JsonElement? Audience, IBrazeProperties? Context, IBrazeProperties? TriggerProperties, string? SendId)
{
    /// <summary>The id, recipients (at most 50), broadcast without recipients, someone to send to, and the properties' rules.</summary>
    public void Validate(ValidationContext context)
    {
        var idField = Target.IdField();
        context.Push(idField);
        BrazeRules.IdentifierValue(context, Id, idField);
        context.Pop();
        BrazeRules.Broadcast(context, Broadcast, Recipients.Count > 0);
        ScheduleRules.HasTargets(context, Recipients.Count > 0, Audience is { ValueKind: not JsonValueKind.Null }, Broadcast);
        context.Push("recipients");
        BrazeRules.RecipientCount(context, Recipients.Count);
        for (var i = 0; i < Recipients.Count; i++)
        {
            context.Push(i);
            Recipients[i].Validate(context);
            context.Pop();
        }

        context.Pop();
        PayloadChecks.Properties(context, "context", Context, PropertiesUsage.CanvasContext);
        PayloadChecks.Properties(context, "trigger_properties", TriggerProperties, PropertiesUsage.TriggerProperties);
    }

    /// <summary>Writes the fields into the current object (the caller opens and closes it).</summary>
    public void WriteTo(Utf8JsonWriter writer, BrazeWriteContext context, bool legacyContextName)
    {
        var contextName = legacyContextName ? "canvas_entry_properties" : "context";
        writer.WriteString(Target.IdField(), Id);
        if (SendId is not null)
        {
            writer.WriteString("send_id", SendId);
        }

        if (Recipients.Count > 0)
        {
            writer.WriteStartArray("recipients");
            foreach (var r in Recipients)
            {
                r.WriteTo(writer, context, contextName);
            }

            writer.WriteEndArray();
        }

        if (Broadcast)
        {
            writer.WriteBoolean("broadcast", true);
        }

        if (Audience is { } audience)
        {
            writer.WritePropertyName("audience");
            audience.WriteTo(writer);
        }

        ObjectWriter.Properties(writer, JsonEncodedText.Encode(contextName), Context, context);
        ObjectWriter.Properties(writer, JsonNames.TriggerProperties, TriggerProperties, context);
    }
}
