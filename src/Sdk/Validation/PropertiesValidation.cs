using System.Runtime.CompilerServices;
using Braze.Serialization;
using Braze.Time;

namespace Braze.Validation;

/// <summary>Whole-object rules on a properties object, shared by <see cref="BrazeProperties"/> and generated code.</summary>
public static class PropertiesValidation
{
    /// <summary>A string member (generated code): when not null, its length and, if it reads as a time, its year, at <paramref name="name"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void String(ValidationContext context, string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (value is null || BrazeRules.IsValidStringOrTime(context.Options, value))
        {
            return;
        }

        // Only a value that breaks the rule pays for the path segment; the rule then reports with the path.
        context.Push(name);
        BrazeRules.StringOrTimeValue(context, value);
        context.Pop();
    }

    /// <summary>A floating-point member (generated code): when not null, finite, at <paramref name="name"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Number(ValidationContext context, string name, double? value)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (value is not { } number || double.IsFinite(number))
        {
            return;
        }

        context.Push(name);
        BrazeRules.Number(context, number);
        context.Pop();
    }

    /// <summary>A time member (generated code): when not null, its year in range, at <paramref name="name"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Time(ValidationContext context, string name, DateTimeOffset? value)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (value is not { } time || BrazeTime.IsYearInRange(time.UtcDateTime.Year))
        {
            return;
        }

        context.Push(name);
        BrazeRules.Time(context, time);
        context.Pop();
    }

    /// <summary>
    /// Event and purchase properties: at most 256 properties, and when they contain arrays or objects at most
    /// the payload limit in bytes (measured by serializing once). Other usages have no whole-object rule here:
    /// nested attribute and schedule context sizes are checked where the whole value is known.
    /// </summary>
    public static void Shape(ValidationContext context, IBrazeProperties properties, PropertiesUsage usage, int count, bool hasNested)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(properties);
        if (usage is not (PropertiesUsage.Event or PropertiesUsage.Purchase))
        {
            return;
        }

        BrazeRules.PropertyCount(context, count);
        if (hasNested && TryMeasure(context, properties, out var bytes))
        {
            BrazeRules.PropertiesPayloadSize(context, bytes);
        }
    }

    /// <summary>
    /// Measures the JSON size of <paramref name="properties"/>. Returns false when they cannot be written yet
    /// (a value already reported as invalid, such as a DateTime of kind Unspecified), so the size rule is skipped.
    /// </summary>
    public static bool TryMeasure(ValidationContext context, IBrazeProperties properties, out int bytes, bool timesAsDollarTime = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            bytes = BrazeJson.MeasureUtf8(properties, new BrazeWriteContext(context.Options, timesAsDollarTime));
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // A value already reported as invalid (Unspecified DateTime, NaN, undefined enum) cannot be written.
            bytes = 0;
            return false;
        }
    }
}
