using System.Text.Json;
using Braze.Generated;
using Braze.Payloads;
using Braze.Rules;
using Braze.Wire;

namespace Braze;

/// <summary>
/// A custom event for <c>/users/track</c>: who (<see cref="User"/>), what (<see cref="Name"/>), when
/// (<see cref="Time"/>) and optional <see cref="Properties"/>. Braze records every event object as a distinct
/// occurrence; it does not deduplicate.
/// </summary>
public sealed class TrackEvent
{
    /// <summary>Creates an event for a user.</summary>
    public TrackEvent(UserId user, string name, BrazeTimestamp time, IBrazeProperties? properties = null)
    {
        User = user ?? throw new ArgumentNullException(nameof(user));
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Time = time;
        Properties = properties;
    }

    private TrackEvent(string name, BrazeTimestamp time, IBrazeProperties? properties)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Time = time;
        Properties = properties;
    }

    /// <summary>An event without an identifier, for a Canvas User Update step (the step applies it to the user in the journey).</summary>
    public static TrackEvent ForUserUpdateStep(string name, BrazeTimestamp time, IBrazeProperties? properties = null) => new(name, time, properties);

    /// <summary>The user; null only in a Canvas User Update step.</summary>
    public UserId? User { get; }

    /// <summary>The event name (<c>name</c>), non-empty, at most 255 characters.</summary>
    public string Name { get; }

    /// <summary>When it happened (<c>time</c>); Braze records future times as now.</summary>
    public BrazeTimestamp Time { get; }

    /// <summary>Event properties (<c>properties</c>), or null.</summary>
    public IBrazeProperties? Properties { get; }

    /// <summary>Optional app identifier (<c>app_id</c>).</summary>
    public string? AppId { get; set; }

    /// <summary><c>_update_existing_only</c>: when true, no profile is created for an unknown user.</summary>
    public bool? UpdateExistingOnly { get; set; }

    /// <summary>Writes the event object.</summary>
    internal void WriteTo(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        ObjectWriter.Head(writer, User, AppId);
        writer.WriteString(JsonNames.Name, Name);
        ObjectWriter.Tail(writer, Time, Properties, UpdateExistingOnly, context);
        writer.WriteEndObject();
    }

    /// <summary>Checks every rule; the context's current path points at this event (for example <c>events[3]</c>).</summary>
    internal void Validate(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        PayloadChecks.Identifier(context, User);
        context.Push("name");
        BrazeRules.EventName(context, Name);
        context.Pop();
        context.Push("time");
        Time.Validate(context, BrazeTimeFormats.Event);
        context.Pop();
        if (Properties is not null)
        {
            context.Push("properties");
            Properties.Validate(context, PropertiesUsage.Event);
            context.Pop();
        }
    }
}
