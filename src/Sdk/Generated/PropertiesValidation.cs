using System.ComponentModel;
using System.Runtime.CompilerServices;
using Braze.Rules;
using Braze.Wire;

namespace Braze.Generated;

/// <summary>
/// The rules generated <c>Validate</c> methods call, and the whole-object rules shared with <see cref="BrazeProperties"/>.
/// Part of the contract between the source generator and the runtime: each member forwards to the one rule in
/// <c>Rules/</c>; nothing here is a rule of its own.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PropertiesValidation
{
    /// <summary>A property name at the current path, by <paramref name="usage"/>: <c>BrazeRules.PropertyName</c>.</summary>
    public static bool PropertyName(ValidationContext context, string name, PropertiesUsage usage) => BrazeRules.PropertyName(context, name, usage);

    /// <summary>A string at the current path (an array element): at most 255 characters.</summary>
    public static bool StringValue(ValidationContext context, string value) => BrazeRules.StringValue(context, value);

    /// <summary>A string at the current path that may read as a time: its length, and the year of the time it reads as.</summary>
    public static bool StringOrTimeValue(ValidationContext context, string value) => BrazeRules.StringOrTimeValue(context, value);

    /// <summary>A number at the current path: finite.</summary>
    public static bool Number(ValidationContext context, double value) => BrazeRules.Number(context, value);

    /// <summary>A time at the current path: its year in Braze's range.</summary>
    public static bool Time(ValidationContext context, DateTimeOffset value) => BrazeRules.Time(context, value);

    /// <summary>A <see cref="DateTime"/> at the current path: convertible to UTC (kind Unspecified only when allowed), year in range.</summary>
    public static bool Time(ValidationContext context, DateTime value, out DateTimeOffset utc) => BrazeRules.Time(context, value, out utc);

    /// <summary>A date at the current path, as midnight UTC: year in range.</summary>
    public static bool Time(ValidationContext context, DateOnly value) => BrazeRules.Time(context, BrazeTime.ToUtc(value));

    /// <summary>An enum value at the current path that is none of the type's members.</summary>
    public static void UndefinedEnumValue(ValidationContext context, string typeName) => BrazeRules.UndefinedEnumValue(context, typeName);

    /// <summary>A null inside a nested custom attribute, at the current path.</summary>
    public static void NullInNestedAttribute(ValidationContext context) => AttributeRules.NullInNestedAttribute(context);

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

        // Generated code has already walked this object's members: the depth rule reports once at the crossing level.
        BrazeRules.NestingDepth(context);
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
    internal static bool TryMeasure(ValidationContext context, IBrazeProperties properties, out int bytes, bool timesAsDollarTime = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var writeContext = new BrazeWriteContext(context.Options, timesAsDollarTime);
            bytes = BrazeJson.Measure(static (w, state) => state.properties.WriteTo(w, state.writeContext), (properties, writeContext));
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
