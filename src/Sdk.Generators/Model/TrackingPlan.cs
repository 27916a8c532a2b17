using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Braze.Generators.Model;

/// <summary>
/// Where a wire name lives in the tracking plan, in the order of the keywords that start its lines
/// (<see cref="PlanText"/>). The switches over it throw on a section they do not know.
/// </summary>
internal enum PlanSection
{
    /// <summary>A custom attribute of a <c>[BrazeUserAttributes]</c> record.</summary>
    Attribute,

    /// <summary>A Canvas entry property of a <c>[BrazeContext]</c> record.</summary>
    Context,

    /// <summary>A custom event name, or a property of one (<c>[BrazeEvent]</c>).</summary>
    Event,

    /// <summary>A purchase property (<c>[BrazePurchase]</c>; the product id is given at run time).</summary>
    Purchase,

    /// <summary>A trigger property of an API-triggered campaign (<c>[BrazeTriggerProperties]</c>).</summary>
    Trigger,
}

/// <summary>The Braze data type a member is sent as; <see cref="None"/> for an event name, which has no type.</summary>
internal enum PlanType
{
    None,
    String,
    Number,
    Boolean,
    Time,
    Array,
    ObjectArray,
    Object,
}

/// <summary>
/// One entry of the tracking plan: an event name (<see cref="Name"/> empty, <see cref="Type"/> none) or a wire name
/// with its Braze type, and the record that declares it (not part of the plan's text: renaming a C# type changes no
/// data). Only strings and enums: safe to cache.
/// </summary>
/// <param name="Section">Where the name lives.</param>
/// <param name="Event">The event name for <see cref="PlanSection.Event"/>, else empty.</param>
/// <param name="Name">The property or attribute name; empty for an event's own entry.</param>
/// <param name="Type">The Braze type; <see cref="PlanType.None"/> for an event's own entry.</param>
/// <param name="Record">The declaring record, fully qualified without <c>global::</c>.</param>
internal sealed record PlanEntry(PlanSection Section, string Event, string Name, PlanType Type, string Record)
{
    /// <summary>The entry's line in <c>BrazeTrackingPlan.*.txt</c>.</summary>
    public string Line => PlanText.Line(this);

    /// <summary>The line without its type: two entries with one key and two types are one name sent as two types.</summary>
    public string Key => PlanText.Key(this);
}

/// <summary>The tracking plan's entries of a model, and the Braze type of a member.</summary>
internal static class TrackingPlan
{
    /// <summary>The section of a marker's records, or null for <c>[BrazeObject]</c> (nested: only its container is in the plan).</summary>
    public static PlanSection? SectionOf(PropertiesKind kind) => kind switch
    {
        PropertiesKind.Event => PlanSection.Event,
        PropertiesKind.Purchase => PlanSection.Purchase,
        PropertiesKind.Context => PlanSection.Context,
        PropertiesKind.TriggerProperties => PlanSection.Trigger,
        PropertiesKind.UserAttributes => PlanSection.Attribute,
        PropertiesKind.Object => null,
        _ => throw new System.InvalidOperationException($"Unhandled properties kind {kind}"),
    };

    /// <summary>
    /// The Braze type of a member: a string-keyed dictionary is an object, a collection an array (of objects when its
    /// elements are nested objects); <see cref="PlanType.None"/> for an unsupported type (an error; not in the plan).
    /// </summary>
    public static PlanType TypeOf(ValueKind kind, bool isCollection, bool isDictionary)
    {
        if (kind == ValueKind.Unsupported)
        {
            return PlanType.None;
        }

        if (isDictionary)
        {
            return PlanType.Object;
        }

        if (isCollection)
        {
            return kind == ValueKind.Nested ? PlanType.ObjectArray : PlanType.Array;
        }

        return kind switch
        {
            ValueKind.String or ValueKind.Enum or ValueKind.Guid or ValueKind.Uri => PlanType.String,
            ValueKind.Boolean => PlanType.Boolean,
            ValueKind.Integer or ValueKind.Float or ValueKind.Decimal => PlanType.Number,
            ValueKind.DateTimeOffset or ValueKind.DateTime or ValueKind.DateOnly => PlanType.Time,
            ValueKind.Nested => PlanType.Object,
            _ => throw new System.InvalidOperationException($"Unhandled value kind {kind}"),
        };
    }

    /// <summary>An event's own entry.</summary>
    public static PlanEntry EventEntry(string eventName, string record) => new(PlanSection.Event, eventName, string.Empty, PlanType.None, record);

    /// <summary>The entries of a model the generator writes code for: its event name, then its members (custom attributes only on an attributes record).</summary>
    public static EquatableArray<PlanEntry> Of(PropertiesModel model)
    {
        if (SectionOf(model.Kind) is not { } section)
        {
            return default;
        }

        var record = model.FullName.Replace("global::", string.Empty);
        var eventName = section == PlanSection.Event ? model.EventName ?? string.Empty : string.Empty;
        var entries = new List<PlanEntry>();
        if (section == PlanSection.Event)
        {
            entries.Add(EventEntry(eventName, record));
        }

        foreach (var member in model.Members)
        {
            var type = TypeOf(member.Kind, member.IsCollection, member.IsDictionary);
            if (type != PlanType.None)
            {
                entries.Add(new PlanEntry(section, eventName, member.WireName, type, record));
            }
        }

        return EquatableArray.From(entries);
    }
}

/// <summary>
/// The text format of <c>BrazeTrackingPlan.Shipped.txt</c> and <c>BrazeTrackingPlan.Unshipped.txt</c>
/// (docs/tracking-plan.md): one entry a line, sorted ordinally, a keyword, the name, and after <c>": "</c> the Braze type.
/// <code>
/// attribute favorite_genres: array
/// context coupon_code: string
/// event rented_movie
/// event rented_movie.properties.price: number
/// purchase properties.size: string
/// trigger order_id: string
/// </code>
/// A name is written as is, or as a JSON string in double quotes when it could be misread: empty, with a leading or
/// trailing space, or holding a control character, <c>"</c>, <c>\</c> or <c>:</c> (and for an event name
/// <c>.properties.</c>). In <c>Unshipped</c>, <c>*REMOVED*</c> before a shipped line records its removal. Lines are
/// compared as text; blank lines and lines starting with <c>#</c> are ignored.
/// </summary>
internal static class PlanText
{
    public const string RemovedPrefix = "*REMOVED*";

    private const string PropertiesInfix = ".properties.";

    /// <summary>The line of <paramref name="entry"/>.</summary>
    public static string Line(PlanEntry entry)
        => entry.Type == PlanType.None ? Key(entry) : Key(entry) + ": " + TypeName(entry.Type);

    /// <summary>The line of <paramref name="entry"/> without its type.</summary>
    public static string Key(PlanEntry entry) => entry.Section switch
    {
        PlanSection.Event => entry.Type == PlanType.None
            ? "event " + Name(entry.Event, isEvent: true)
            : "event " + Name(entry.Event, isEvent: true) + PropertiesInfix + Name(entry.Name, isEvent: false),
        PlanSection.Purchase => "purchase properties." + Name(entry.Name, isEvent: false),
        PlanSection.Attribute or PlanSection.Context or PlanSection.Trigger => Keyword(entry.Section) + " " + Name(entry.Name, isEvent: false),
        _ => throw new System.InvalidOperationException($"Unhandled plan section {entry.Section}"),
    };

    /// <summary>The keyword that starts the lines of <paramref name="section"/>.</summary>
    public static string Keyword(PlanSection section) => section switch
    {
        PlanSection.Attribute => "attribute",
        PlanSection.Context => "context",
        PlanSection.Event => "event",
        PlanSection.Purchase => "purchase",
        PlanSection.Trigger => "trigger",
        _ => throw new System.InvalidOperationException($"Unhandled plan section {section}"),
    };

    /// <summary>How <paramref name="type"/> is written in the plan (and in its JSON and Markdown).</summary>
    public static string TypeName(PlanType type) => type switch
    {
        PlanType.String => "string",
        PlanType.Number => "number",
        PlanType.Boolean => "boolean",
        PlanType.Time => "time",
        PlanType.Array => "array",
        PlanType.ObjectArray => "array of objects",
        PlanType.Object => "object",
        PlanType.None => string.Empty,
        _ => throw new System.InvalidOperationException($"Unhandled plan type {type}"),
    };

    private static readonly string[] s_typeNames = ["string", "number", "boolean", "time", "array", "array of objects", "object"];

    private static readonly string[] s_prefixes = ["attribute ", "context ", "event ", "purchase properties.", "trigger "];

    /// <summary>
    /// Reads one line of a plan file: null for a blank or comment line; otherwise whether it starts with
    /// <see cref="RemovedPrefix"/>, the entry's line (trimmed, without the prefix), its key (the line without
    /// <c>": type"</c>) and whether it has the shape of an entry (a keyword, and a type unless it is an event's own line).
    /// </summary>
    public static PlanLine? Parse(string text)
    {
        var line = text.Trim();
        if (line.Length == 0 || line[0] == '#')
        {
            return null;
        }

        var removed = line.StartsWith(RemovedPrefix, System.StringComparison.Ordinal);
        if (removed)
        {
            line = line.Substring(RemovedPrefix.Length).Trim();
        }

        var key = line;
        var typed = false;
        var separator = line.LastIndexOf(": ", System.StringComparison.Ordinal);
        if (separator > 0 && System.Array.IndexOf(s_typeNames, line.Substring(separator + 2)) >= 0)
        {
            key = line.Substring(0, separator);
            typed = true;
        }

        var wellFormed = false;
        foreach (var prefix in s_prefixes)
        {
            if (key.Length > prefix.Length && key.StartsWith(prefix, System.StringComparison.Ordinal))
            {
                // Untyped: only an event's own line, whose name holds no ".properties." (or is quoted whole); a typed
                // event line is a property's.
                var name = key.Substring(prefix.Length);
                var eventLine = prefix == "event " && (name[0] == '"' ? name.Length > 1 && name[name.Length - 1] == '"' : name.IndexOf(PropertiesInfix, System.StringComparison.Ordinal) < 0);
                wellFormed = prefix == "event " ? typed != eventLine : typed;
                break;
            }
        }

        return new PlanLine(line, key, removed, wellFormed);
    }

    /// <summary><paramref name="name"/> as written in a line: as is, or quoted when it could be misread.</summary>
    public static string Name(string name, bool isEvent)
    {
        var quote = name.Length == 0 || char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[name.Length - 1])
            || (isEvent && name.IndexOf(PropertiesInfix, System.StringComparison.Ordinal) >= 0);
        foreach (var c in name)
        {
            quote |= c is '"' or '\\' or ':' || char.IsControl(c) || c is '\u2028' or '\u2029';
        }

        return quote ? Quoted(name) : name;
    }

    /// <summary><paramref name="value"/> as a JSON string literal: quotes, backslashes and control or line-separator characters escaped.</summary>
    public static string Quoted(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029')
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }
}

/// <summary>One entry line of a plan file, read by <see cref="PlanText.Parse"/>.</summary>
/// <param name="Text">The entry's line, trimmed, without <c>*REMOVED*</c>.</param>
/// <param name="Key">The line without its type.</param>
/// <param name="Removed">The line starts with <c>*REMOVED*</c>.</param>
/// <param name="WellFormed">The line has the shape of an entry.</param>
internal sealed record PlanLine(string Text, string Key, bool Removed, bool WellFormed);
