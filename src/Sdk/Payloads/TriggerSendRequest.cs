using System.Text.Json;
using Braze.Generated;

namespace Braze;

/// <summary>
/// A request to send an API-triggered Canvas or campaign now (<c>/canvas/trigger/send</c>,
/// <c>/campaigns/trigger/send</c>): who (recipients, an audience, or a broadcast to the whole segment) and with which
/// properties. It messages users, so it is never repeated after an ambiguous failure (see scheduling.md).
/// </summary>
public sealed class TriggerSendRequest
{
    /// <summary>Creates a request for the Canvas or campaign <paramref name="id"/>.</summary>
    public TriggerSendRequest(ScheduleTarget target, string id)
    {
        Target = target;
        Id = id ?? throw new ArgumentNullException(nameof(id));
    }

    /// <summary>Canvas or campaign.</summary>
    public ScheduleTarget Target { get; }

    /// <summary><c>canvas_id</c> or <c>campaign_id</c>.</summary>
    public string Id { get; }

    /// <summary>Specific recipients (at most 50). Leave empty with <see cref="Broadcast"/> or <see cref="Audience"/>.</summary>
    public IReadOnlyList<Recipient> Recipients { get; init; } = [];

    /// <summary>Send to the whole segment of the Canvas or campaign. Must not come with <see cref="Recipients"/>.</summary>
    public bool Broadcast { get; init; }

    /// <summary>A Connected Audience filter object, as JSON.</summary>
    public JsonElement? Audience { get; init; }

    /// <summary>Canvas entry properties for everyone (<c>context</c>, at most 50 KB).</summary>
    public IBrazeProperties? Context { get; init; }

    /// <summary>Campaign trigger properties for everyone (<c>trigger_properties</c>, at most 50 KB).</summary>
    public IBrazeProperties? TriggerProperties { get; init; }

    /// <summary>Campaign <c>send_id</c>, for send tracking.</summary>
    public string? SendId { get; init; }

    internal MessageFields Fields => new(Target, Id, Recipients, Broadcast, Audience, Context, TriggerProperties, SendId);

    /// <summary>Checks every rule of the trigger send endpoints.</summary>
    public PayloadValidationResult Validate(BrazeValidationOptions? options = null)
    {
        var context = new ValidationContext(options);
        Fields.Validate(context);
        return new PayloadValidationResult([.. context.Errors], false);
    }

    /// <summary>Writes the send body.</summary>
    internal void WriteTo(Utf8JsonWriter writer, BrazeWriteContext context, bool legacyContextName = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        Fields.WriteTo(writer, context, legacyContextName);
        writer.WriteEndObject();
    }
}
