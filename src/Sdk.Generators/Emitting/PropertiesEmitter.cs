using System;
using System.Globalization;
using System.Linq;
using Braze.Generators.Model;

namespace Braze.Generators.Emitting;

/// <summary>
/// Writes the source for one <see cref="PropertiesModel"/>: an allocation-free writer and a validator over the SDK's
/// rules. It writes what the model says; the rule decisions were made by the parser.
/// </summary>
internal static class PropertiesEmitter
{
    private const string Rules = "global::Braze.Generated.PropertiesValidation";
    private const string Usage = "global::Braze.Generated.PropertiesUsage";
    private const string Validation = "global::Braze.Generated.PropertiesValidation";

    public static string Emit(PropertiesModel model)
    {
        var w = new SourceWriter();
        w.OpenType(model, model.Kind == PropertiesKind.Event ? " : global::Braze.IBrazeEvent" : " : global::Braze.IBrazeProperties", generatedCode: true);
        EmitNames(w, model);
        EmitKindApi(w, model);
        EmitWriteTo(w, model);
        w.Line();
        EmitValidate(w, model);
        return w.CloseType(model).ToString();
    }

    private static void EmitNames(SourceWriter w, PropertiesModel model)
    {
        for (var i = 0; i < model.Members.Count; i++)
        {
            // Concatenation, not an interpolation: on netstandard2.0 an int hole makes it a string.Format with boxing.
            w.Line("private static readonly global::System.Text.Json.JsonEncodedText s_name" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + " = global::System.Text.Json.JsonEncodedText.Encode(" + Literal(model.Members[i].WireName) + ");");
        }

        w.Line();
    }

    private static void EmitKindApi(SourceWriter w, PropertiesModel model)
    {
        switch (model.Kind)
        {
            case PropertiesKind.Event:
                w.Lines($$"""
                    /// <summary>The Braze event name.</summary>
                    public {{model.New("EventName")}}const string EventName = {{Literal(model.EventName!)}};

                    /// <inheritdoc />
                    string global::Braze.IBrazeEvent.BrazeEventName => EventName;

                    /// <summary>This event for <paramref name="user"/> at <paramref name="time"/>.</summary>
                    public {{model.New("ToEvent")}}global::Braze.TrackEvent ToEvent(global::Braze.UserId user, global::Braze.BrazeTimestamp time) => new global::Braze.TrackEvent(user, EventName, time, this);

                    /// <summary>This event in a Canvas User Update step (no identifier; the time may be Liquid).</summary>
                    public {{model.New("ToUserUpdateStepEvent")}}global::Braze.TrackEvent ToUserUpdateStepEvent(global::Braze.BrazeTimestamp time) => global::Braze.TrackEvent.ForUserUpdateStep(EventName, time, this);

                    """);
                break;
            case PropertiesKind.Purchase:
                w.Lines($$"""
                    /// <summary>A purchase of <paramref name="productId"/> with these properties.</summary>
                    public {{model.New("ToPurchase")}}global::Braze.Purchase ToPurchase(global::Braze.UserId user, string productId, string currency, decimal price, global::Braze.BrazeTimestamp time, int quantity = 1)
                        => new global::Braze.Purchase(user, productId, currency, price, time, this) { Quantity = quantity };

                    /// <summary>This purchase in a Canvas User Update step (no identifier; the time may be Liquid).</summary>
                    public {{model.New("ToUserUpdateStepPurchase")}}global::Braze.Purchase ToUserUpdateStepPurchase(string productId, string currency, decimal price, global::Braze.BrazeTimestamp time, int quantity = 1)
                    {
                        var purchase = global::Braze.Purchase.ForUserUpdateStep(productId, currency, price, time, this);
                        purchase.Quantity = quantity;
                        return purchase;
                    }

                    """);
                break;
            case PropertiesKind.Object:
                var nullable = model.Keyword.Contains("struct") ? string.Empty : "?";
                w.Lines($$"""
                    /// <summary>This object as a nested value (in <see cref="global::Braze.BrazeProperties"/>, arrays or custom attributes); null gives a JSON null.</summary>
                    public static implicit operator global::Braze.BrazeValue({{model.TypeName}}{{nullable}} value) => global::Braze.BrazeValue.From(value);

                    """);
                break;
            case PropertiesKind.Context:
            case PropertiesKind.TriggerProperties:
                var root = model.Kind == PropertiesKind.Context ? "context" : "api_trigger_properties";
                w.Line("/// <summary>Liquid references to these properties, for message bodies and User Update steps (<c>{{" + root + ".${name}}}</c>).</summary>");
                w.Open($"public {model.New("Liquid")}static class Liquid");
                foreach (var m in model.Members)
                {
                    var reference = "{{" + root + ".${" + m.WireName + "}}}";
                    w.Line("/// <summary><c>" + reference + "</c></summary>");
                    w.Line($"public const string {m.Name} = {Literal(reference)};");
                }

                w.Close();
                w.Line();
                break;
            case PropertiesKind.UserAttributes:
                throw new InvalidOperationException("A [BrazeUserAttributes] record is written by UserAttributesEmitter.");
            default:
                throw new InvalidOperationException($"Unhandled properties kind {model.Kind}");
        }
    }

    private static void EmitWriteTo(SourceWriter w, PropertiesModel model)
    {
        w.Line("/// <inheritdoc />");
        w.Open($"public {model.New("WriteTo")}void WriteTo(global::System.Text.Json.Utf8JsonWriter writer, global::Braze.Generated.BrazeWriteContext context)");
        w.Line("writer.WriteStartObject();");
        for (var i = 0; i < model.Members.Count; i++)
        {
            var m = model.Members[i];
            if (IsPlainValue(m))
            {
                // A non-nullable scalar struct needs no null check and no local: one statement, less source to parse.
                WriteValue(w, m, $"this.{m.Name}", inArray: false, name: $"s_name{i}");
                continue;
            }

            var v = $"v{i}";
            OpenValue(w, m, v);
            if (m.IsDictionary)
            {
                w.Line($"writer.WriteStartObject(s_name{i});");
                w.Open($"foreach (var kv{i} in {v})");
                w.Line($"writer.WritePropertyName(kv{i}.Key);");
                w.Line($"var e{i} = kv{i}.Value;");
                WriteValue(w, m, $"e{i}", inArray: true, name: null);
                w.Close();
                w.Line("writer.WriteEndObject();");
            }
            else if (m.IsCollection)
            {
                w.Line($"writer.WriteStartArray(s_name{i});");
                OpenLoop(w, m, v, $"e{i}");
                WriteValue(w, m, $"e{i}", inArray: true, name: null);
                w.Close();
                w.Line("writer.WriteEndArray();");
            }
            else
            {
                WriteValue(w, m, v, inArray: false, name: $"s_name{i}");
            }

            w.Close();
        }

        w.Line("writer.WriteEndObject();");
        w.Close();
    }

    /// <summary>A non-nullable value type that is neither a collection nor a dictionary: read directly, never null.</summary>
    private static bool IsPlainValue(MemberModel m) => m.IsValueType && !m.IsNullable && !m.IsCollection && !m.IsDictionary;

    /// <summary>Opens a block with the member's value in a local, skipping null values (they are not sent).</summary>
    private static void OpenValue(SourceWriter w, MemberModel m, string local)
    {
        if (m.IsValueType && !m.IsNullable && !m.IsCollection)
        {
            w.Open("");
            w.Line($"var {local} = this.{m.Name};");
        }
        else
        {
            w.Open($"if (this.{m.Name} is {{ }} {local})");
        }
    }

    private static void OpenLoop(SourceWriter w, MemberModel m, string collection, string element)
    {
        switch (m.Shape)
        {
            case CollectionShape.Indexed:
                w.Open($"for (var i = 0; i < {collection}.Count; i++)");
                w.Line($"var {element} = {collection}[i];");
                break;
            case CollectionShape.Array:
            case CollectionShape.Enumerable:
                w.Open($"foreach (var {element} in {collection})");
                break;
            case CollectionShape.None:
            default:
                throw new InvalidOperationException($"Unhandled collection shape {m.Shape} of the collection member {m.Name}");
        }
    }

    private static void WriteValue(SourceWriter w, MemberModel m, string v, bool inArray, string? name)
    {
        if (inArray && !m.IsValueType)
        {
            w.Open($"if ({v} is null)");
            w.Line("writer.WriteNullValue();");
            w.Line("continue;");
            w.Close();
        }

        var prop = name is null ? string.Empty : name + ", ";
        switch (m.Kind)
        {
            case ValueKind.String:
                w.Line(name is null ? $"writer.WriteStringValue({v});" : $"writer.WriteString({prop}{v});");
                break;
            case ValueKind.Boolean:
                w.Line(name is null ? $"writer.WriteBooleanValue({v});" : $"writer.WriteBoolean({prop}{v});");
                break;
            case ValueKind.Integer:
            case ValueKind.Float:
            case ValueKind.Decimal:
                w.Line(name is null ? $"writer.WriteNumberValue({v});" : $"writer.WriteNumber({prop}{v});");
                break;
            case ValueKind.Guid:
                w.Line(name is null ? $"writer.WriteStringValue({v});" : $"writer.WriteString({prop}{v});");
                break;
            case ValueKind.Uri:
                w.Line(name is null ? $"writer.WriteStringValue({v}.OriginalString);" : $"writer.WriteString({prop}{v}.OriginalString);");
                break;
            case ValueKind.Enum:
                var text = EnumSwitch(m, v, $"throw new global::System.InvalidOperationException(\"Undefined {m.TypeName.Replace("global::", string.Empty)} value; validate first.\")");
                w.Line(name is null ? $"writer.WriteStringValue({text});" : $"writer.WriteString({prop}{text});");
                break;
            case ValueKind.DateTimeOffset:
            case ValueKind.DateTime:
            case ValueKind.DateOnly:
                if (name is not null)
                {
                    w.Line($"writer.WritePropertyName({name});");
                }

                w.Line($"context.WriteTime(writer, {v});");
                break;
            case ValueKind.Nested:
                if (name is not null)
                {
                    w.Line($"writer.WritePropertyName({name});");
                }

                w.Line($"((global::Braze.IBrazeProperties){v}).WriteTo(writer, context);");
                break;
            case ValueKind.Unsupported:
            default:
                throw new InvalidOperationException($"Unhandled value kind {m.Kind} of member {m.Name}");
        }
    }

    private static void EmitValidate(SourceWriter w, PropertiesModel model)
    {
        w.Line("/// <inheritdoc />");
        w.Open($"public {model.New("Validate")}void Validate(global::Braze.Generated.ValidationContext context, {Usage} usage)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(context);");

        // Names are checked at compile time for the declared use; the model flags the ones another use could reject.
        CheckNames(w, model, "Purchase", purchase: true);
        CheckNames(w, model, "NestedAttribute", purchase: false);

        var needsNestedUsage = false;
        var hasNested = false;
        foreach (var m in model.Members)
        {
            needsNestedUsage |= m.Kind == ValueKind.Nested || m.IsDictionary;
            hasNested |= m.IsCollection || m.IsDictionary || m.Kind == ValueKind.Nested;
        }

        if (needsNestedUsage)
        {
            w.Line($"var nestedUsage = usage == {Usage}.NestedAttribute ? {Usage}.NestedAttribute : {Usage}.NestedProperty;");
        }

        for (var i = 0; i < model.Members.Count; i++)
        {
            var m = model.Members[i];
            if (!NeedsValueCheck(m) && !m.IsDictionary)
            {
                continue;
            }

            // The common scalar members are one call each: less generated source, which the driver has to parse.
            if (!m.IsDictionary && !m.IsCollection && ScalarCheck(m.Kind) is { } check)
            {
                var cast = m.Kind == ValueKind.Float ? "(double?)" : string.Empty;
                w.Line($"{Validation}.{check}(context, {Literal(m.WireName)}, {cast}this.{m.Name});");
                continue;
            }

            if (IsPlainValue(m))
            {
                w.Line($"context.Push({Literal(m.WireName)});");
                CheckValue(w, m, $"this.{m.Name}", inArray: false);
                w.Line("context.Pop();");
                continue;
            }

            var v = $"v{i}";
            OpenValue(w, m, v);
            w.Line($"context.Push({Literal(m.WireName)});");
            if (m.IsDictionary)
            {
                w.Open($"foreach (var kv{i} in {v})");
                w.Line($"context.Push(kv{i}.Key);");
                w.Line($"{Rules}.PropertyName(context, kv{i}.Key, nestedUsage);");
                if (!m.IsValueType)
                {
                    w.Open($"if (kv{i}.Value is null && nestedUsage == {Usage}.NestedAttribute)");
                    w.Line("global::Braze.Generated.PropertiesValidation.NullInNestedAttribute(context);");
                    w.Close();
                }

                if (NeedsValueCheck(m))
                {
                    w.Line($"var e{i} = kv{i}.Value;");
                    if (!m.IsValueType)
                    {
                        w.Open($"if (e{i} is not null)");
                    }

                    CheckValue(w, m, $"e{i}", inArray: false);
                    if (!m.IsValueType)
                    {
                        w.Close();
                    }
                }

                w.Line("context.Pop();");
                w.Close();
            }
            else if (m.IsCollection)
            {
                if (m.Shape != CollectionShape.Indexed)
                {
                    w.Line($"var n{i} = 0;");
                }

                OpenLoop(w, m, v, $"e{i}");
                if (m.Shape == CollectionShape.Indexed)
                {
                    w.Line("context.Push(i);");
                }
                else
                {
                    w.Line($"context.Push(n{i}++);");
                }

                CheckValue(w, m, $"e{i}", inArray: true);
                w.Line("context.Pop();");
                w.Close();
            }
            else
            {
                CheckValue(w, m, v, inArray: false);
            }

            w.Line("context.Pop();");
            w.Close();
        }

        w.Line($"{Validation}.Shape(context, this, usage, {model.Members.Count.ToString(CultureInfo.InvariantCulture)}, {(hasNested ? "true" : "false")});");
        w.Close();
    }

    /// <summary>
    /// Checks, when the object is used as <paramref name="usage"/>, the names the model flags (reserved in purchases,
    /// or invalid as nested attribute keys).
    /// </summary>
    private static void CheckNames(SourceWriter w, PropertiesModel model, string usage, bool purchase)
    {
        var open = false;
        foreach (var m in model.Members)
        {
            if (!(purchase ? m.IsReservedInPurchase : m.IsInvalidNestedKey))
            {
                continue;
            }

            if (!open)
            {
                w.Open($"if (usage == {Usage}.{usage})");
                open = true;
            }

            w.Line($"context.Push({Literal(m.WireName)});");
            w.Line($"{Rules}.PropertyName(context, {Literal(m.WireName)}, usage);");
            w.Line("context.Pop();");
        }

        if (open)
        {
            w.Close();
        }
    }

    /// <summary>Whether values of the member's kind have a run-time rule (numbers other than floats, booleans and Guids cannot break one).</summary>
    private static bool NeedsValueCheck(MemberModel m) => m.Kind switch
    {
        ValueKind.String or ValueKind.Float or ValueKind.DateTimeOffset or ValueKind.DateTime or ValueKind.DateOnly
            or ValueKind.Enum or ValueKind.Uri or ValueKind.Nested => true,
        ValueKind.Boolean or ValueKind.Integer or ValueKind.Decimal or ValueKind.Guid => false,
        _ => throw new InvalidOperationException($"Unhandled value kind {m.Kind} of member {m.Name}"),
    };

    /// <summary>The one-call <c>PropertiesValidation</c> check of a plain member of <paramref name="kind"/>, or null when it takes a block.</summary>
    private static string? ScalarCheck(ValueKind kind) => kind switch
    {
        ValueKind.String => "String",
        ValueKind.Float => "Number",
        ValueKind.DateTimeOffset => "Time",
        ValueKind.DateTime or ValueKind.DateOnly or ValueKind.Enum or ValueKind.Uri or ValueKind.Nested
            or ValueKind.Boolean or ValueKind.Integer or ValueKind.Decimal or ValueKind.Guid => null,
        _ => throw new InvalidOperationException($"Unhandled value kind {kind}"),
    };

    private static void CheckValue(SourceWriter w, MemberModel m, string v, bool inArray)
    {
        if (inArray && !m.IsValueType)
        {
            w.Open($"if ({v} is not null)");
        }

        switch (m.Kind)
        {
            case ValueKind.String:
                w.Line(inArray ? $"{Rules}.StringValue(context, {v});" : $"{Rules}.StringOrTimeValue(context, {v});");
                break;
            case ValueKind.Uri:
                w.Line($"{Rules}.StringValue(context, {v}.OriginalString);");
                break;
            case ValueKind.Float:
                w.Line($"{Rules}.Number(context, (double){v});");
                break;
            case ValueKind.DateTimeOffset:
                w.Line($"{Rules}.Time(context, {v});");
                break;
            case ValueKind.DateTime:
                w.Line($"{Rules}.Time(context, {v}, out _);");
                break;
            case ValueKind.DateOnly:
                w.Line($"{Rules}.Time(context, {v});");
                break;
            case ValueKind.Enum:
                var defined = string.Join(" or ", m.EnumValues.Select(e => $"{m.TypeName}.{e.Member}"));
                var report = $"{Rules}.UndefinedEnumValue(context, {Literal(m.TypeName.Replace("global::", string.Empty))});";
                if (defined.Length == 0)
                {
                    w.Line(report);
                }
                else
                {
                    w.Open($"if ({v} is not ({defined}))");
                    w.Line(report);
                    w.Close();
                }

                break;
            case ValueKind.Nested:
                w.Line($"((global::Braze.IBrazeProperties){v}).Validate(context, nestedUsage);");
                break;
            default:
                // Only kinds that NeedsValueCheck gets here; anything else is a half-added kind.
                throw new InvalidOperationException($"Unhandled value kind {m.Kind} of member {m.Name}");
        }

        if (inArray && !m.IsValueType)
        {
            w.Close();
        }
    }

    /// <summary>A switch expression from the enum value <paramref name="v"/> to its wire string; undefined values evaluate <paramref name="otherwise"/>.</summary>
    internal static string EnumSwitch(MemberModel m, string v, string otherwise)
        => m.EnumValues.Count == 0
            ? $"(string)({v} switch {{ _ => {otherwise} }})"
            : $"{v} switch {{ {string.Concat(m.EnumValues.Select(e => $"{m.TypeName}.{e.Member} => {Literal(e.Wire)}, "))}_ => {otherwise} }}";

    internal static string Literal(string value)
    {
        // The usual wire name needs no escaping; only other text goes through Roslyn's literal formatter.
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '"' or '\\')
            {
                return Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);
            }
        }

        return "\"" + value + "\"";
    }
}
