using System.Text.Json;
using Braze.Generated;

namespace Braze;

/// <summary>
/// A request to send an API-triggered Canvas or campaign now (<c>/canvas/trigger/send</c>,
/// <c>/campaigns/trigger/send</c>): who (recipients, an audience, or a broadcast to the whole segment) and with which
/// properties. It messages users, so it is never repeated after an ambiguous failure (see scheduling.md).
/// </summary>
public sealed class TriggerSendRequest : MessageRequest
{
    /// <summary>Creates a request for the Canvas or campaign <paramref name="id"/>.</summary>
    public TriggerSendRequest(ScheduleTarget target, string id)
        : base(target, id)
    {
    }

    /// <summary>Checks every rule of the trigger send endpoints.</summary>
    public PayloadValidationResult Validate(BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        ValidateMessage(context);
        return new PayloadValidationResult([.. context.Errors], false);
    }

    /// <summary>Writes the send body.</summary>
    internal void WriteTo(Utf8JsonWriter writer, BrazeWriteContext context, bool legacyContextName = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteMessage(writer, context, legacyContextName);
        writer.WriteEndObject();
    }
}
