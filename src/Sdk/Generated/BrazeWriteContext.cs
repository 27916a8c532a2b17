using System.Text.Json;
using Braze.Wire;

namespace Braze.Generated;

/// <summary>
/// What a writer needs to know while writing a payload: the options (for <see cref="DateTime"/> of kind
/// Unspecified) and whether times are written as plain strings or, inside nested custom attributes, as
/// <c>{"$time": "..."}</c>.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public readonly struct BrazeWriteContext
{
    /// <summary>Creates a context.</summary>
    internal BrazeWriteContext(BrazeValidationOptions? options, bool timesAsDollarTime = false)
    {
        _options = options;
        TimesAsDollarTime = timesAsDollarTime;
    }

    private readonly BrazeValidationOptions? _options;

    /// <summary>The default context: default options, times as plain strings.</summary>
    internal static BrazeWriteContext Default => new(BrazeValidationOptions.Default);

    /// <summary>The options in force (never null).</summary>
    internal BrazeValidationOptions Options => _options ?? BrazeValidationOptions.Default;

    /// <summary>True inside nested custom attributes, where Braze wants times as <c>{"$time": "..."}</c>.</summary>
    internal bool TimesAsDollarTime { get; }

    /// <summary>The same context for the inside of a nested custom attribute.</summary>
    internal BrazeWriteContext ForNestedAttribute() => new(Options, timesAsDollarTime: true);

    /// <summary>Writes a time value in Braze's UTC format (wrapped in <c>{"$time": ...}</c> when <see cref="TimesAsDollarTime"/>).</summary>
    public void WriteTime(Utf8JsonWriter writer, DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (TimesAsDollarTime)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(JsonNames.DollarTime);
            BrazeTime.WriteValue(writer, value);
            writer.WriteEndObject();
        }
        else
        {
            BrazeTime.WriteValue(writer, value);
        }
    }

    /// <summary>
    /// Writes a <see cref="DateTime"/> as a UTC time. Kind Unspecified is written as UTC only when the options
    /// allow it; otherwise it throws, because validation reports it before anything is written.
    /// </summary>
    public void WriteTime(Utf8JsonWriter writer, DateTime value)
    {
        if (!BrazeTime.TryToUtc(value, Options.AssumeUtcForUnspecifiedDateTime, out var utc))
        {
            throw new InvalidOperationException("A DateTime of Kind Unspecified cannot be written; validate the payload first or set AssumeUtcForUnspecifiedDateTime.");
        }

        WriteTime(writer, utc);
    }

    /// <summary>Writes a date as midnight UTC (a time, as properties and custom attributes want it).</summary>
    public void WriteTime(Utf8JsonWriter writer, DateOnly value) => WriteTime(writer, BrazeTime.ToUtc(value));
}
