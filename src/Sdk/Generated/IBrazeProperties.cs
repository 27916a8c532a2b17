using System.Text.Json;
using Braze.Generated;

namespace Braze;

/// <summary>
/// A properties object: event or purchase <c>properties</c>, a nested custom attribute, Canvas <c>context</c> or
/// campaign <c>trigger_properties</c>. The source generator implements it on annotated records (allocation-free,
/// pre-encoded names); <see cref="BrazeProperties"/> implements it for dynamic cases.
/// </summary>
public interface IBrazeProperties
{
    /// <summary>Writes the properties as one JSON object (<c>{ ... }</c>), times normalized to ISO 8601 UTC.</summary>
    void WriteTo(Utf8JsonWriter writer, BrazeWriteContext context);

    /// <summary>
    /// Checks every Braze rule on the properties, reporting at paths below the context's current path (which
    /// points at the object itself). <paramref name="usage"/> selects the naming and size rules.
    /// </summary>
    void Validate(ValidationContext context, PropertiesUsage usage);
}

/// <summary>Event properties that know their event name (implemented by <c>[BrazeEvent]</c> records).</summary>
public interface IBrazeEvent : IBrazeProperties
{
    /// <summary>The Braze event name.</summary>
    string BrazeEventName { get; }
}
