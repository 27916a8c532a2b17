using System;
using Braze.Generators.Model;

namespace Braze.Generators.Emitting;

/// <summary>
/// Writes the update builder of a <c>[BrazeUserAttributes]</c> record: <c>Update(UserId)</c>, <c>UserUpdateStep()</c>
/// and a typed method per attribute and per operation its type allows. Every method delegates to
/// <c>AttributesUpdate</c>, so the rules and the JSON are the SDK's own.
/// </summary>
internal static class UserAttributesEmitter
{
    public static string Emit(PropertiesModel model)
    {
        var w = new SourceWriter();
        w.OpenType(model);
        w.Lines($$"""
            /// <summary>Changes to the profile of <paramref name="user"/>; pass the builder to <c>TrackAsync</c>.</summary>
            public {{model.New("Update")}}static UpdateBuilder Update(global::Braze.UserId user) => new UpdateBuilder(new global::Braze.AttributesUpdate(user));

            /// <summary>The same builder for a Canvas User Update step: no identifier, values may be Liquid; render it with <c>ToJson()</c>.</summary>
            public {{model.New("UserUpdateStep")}}static UpdateBuilder UserUpdateStep() => new UpdateBuilder(global::Braze.AttributesUpdate.ForUserUpdateStep());

            /// <summary>Typed changes to the custom attributes of <see cref="{{model.TypeName}}"/>, and the standard fields.</summary>
            [global::System.CodeDom.Compiler.GeneratedCode("Braze.Sdk.Generators", "1.0.0")]
            """);
        w.Open($"public {model.New("UpdateBuilder")}sealed class UpdateBuilder : global::Braze.UserUpdateBuilder<UpdateBuilder>");
        w.Lines("""
            internal UpdateBuilder(global::Braze.AttributesUpdate attributes)
                : base(attributes)
            {
            }
            """);
        foreach (var m in model.Members)
        {
            EmitMember(w, m);
        }

        w.Close();
        return w.CloseType(model).ToString();
    }

    private static void EmitMember(SourceWriter w, MemberModel m)
    {
        var key = PropertiesEmitter.Literal(m.WireName);
        var doc = $"<c>{m.WireName}</c>";
        w.Line();
        if (m.IsDictionary)
        {
            var entry = $"global::System.Collections.Generic.KeyValuePair<string, {m.TypeName}{(m.ElementNullable ? "?" : string.Empty)}>";
            var convert = m.ElementNullable && m.Kind != ValueKind.String ? $"v => v is null ? global::Braze.BrazeValue.Null : {Value(m, "v")}" : $"v => {Value(m, "v")}";
            w.Line($"/// <summary>Sets the nested object {doc} from the entries (replaced, or deep-merged after <c>MergeObjects()</c>).</summary>");
            w.Line($"public UpdateBuilder Set{m.Name}(global::System.Collections.Generic.IEnumerable<{entry}> values) => Do(a => a.SetObject({key}, ToProperties(values, {convert})));");
        }
        else if (m.IsCollection)
        {
            var item = m.TypeName;
            if (m.Kind == ValueKind.Nested)
            {
                w.Lines($$"""
                    /// <summary>Replaces the array of objects {{doc}}.</summary>
                    public UpdateBuilder Set{{m.Name}}(global::System.Collections.Generic.IEnumerable<{{item}}> values) => Do(a => a.SetObjects({{key}}, global::System.Linq.Enumerable.Cast<global::Braze.IBrazeProperties>(values)));
                    /// <summary>Appends objects to {{doc}} (<c>$add</c>).</summary>
                    public UpdateBuilder Add{{m.Name}}(params {{item}}[] values) => Do(a => a.AddObjects({{key}}, global::System.Linq.Enumerable.Cast<global::Braze.IBrazeProperties>(values)));
                    /// <summary>Merges <paramref name="newObject"/> into the objects of {{doc}} whose <paramref name="identifierKey"/> equals <paramref name="identifierValue"/> (<c>$update</c>; call <c>MergeObjects()</c>).</summary>
                    public UpdateBuilder Update{{m.Name}}Where(string identifierKey, global::Braze.BrazeValue identifierValue, global::Braze.IBrazeProperties newObject) => Do(a => a.UpdateObjects({{key}}, identifierKey, identifierValue, newObject));
                    /// <summary>Removes the objects of {{doc}} whose <paramref name="identifierKey"/> equals <paramref name="identifierValue"/> (<c>$remove</c>).</summary>
                    public UpdateBuilder Remove{{m.Name}}Where(string identifierKey, global::Braze.BrazeValue identifierValue) => Do(a => a.RemoveObjects({{key}}, identifierKey, identifierValue));
                    """);
            }
            else
            {
                var value = Value(m, "v");
                w.Lines($$"""
                    /// <summary>Replaces the array {{doc}}.</summary>
                    public UpdateBuilder Set{{m.Name}}(global::System.Collections.Generic.IEnumerable<{{item}}> values) => Do(a => a.Set({{key}}, global::Braze.BrazeValue.Array(global::System.Linq.Enumerable.Select(values, v => {{value}}))));
                    /// <summary>Adds values to the array {{doc}} (<c>add</c>).</summary>
                    public UpdateBuilder Add{{m.Name}}(params {{item}}[] values) => Do(a => a.AddToArray({{key}}, global::System.Linq.Enumerable.Select(values, v => {{value}})));
                    /// <summary>Removes values from the array {{doc}} (<c>remove</c>).</summary>
                    public UpdateBuilder Remove{{m.Name}}(params {{item}}[] values) => Do(a => a.RemoveFromArray({{key}}, global::System.Linq.Enumerable.Select(values, v => {{value}})));
                    """);
            }
        }
        else if (m.Kind == ValueKind.Nested)
        {
            w.Line($"/// <summary>Sets the nested object {doc} (replaced, or deep-merged after <c>MergeObjects()</c>).</summary>");
            w.Line($"public UpdateBuilder Set{m.Name}({m.TypeName} value) => Do(a => a.SetObject({key}, value));");
        }
        else
        {
            w.Line($"/// <summary>Sets {doc}.</summary>");
            w.Line($"public UpdateBuilder Set{m.Name}({m.TypeName} value) => Do(a => a.Set({key}, {Value(m, "value")}));");
            if (m.Kind != ValueKind.String)
            {
                w.Line($"/// <summary>Sets {doc} to a Liquid expression, written unquoted (Canvas User Update step only), for example a <c>Liquid</c> constant of a <c>[BrazeContext]</c> record.</summary>");
                w.Line($"public UpdateBuilder Set{m.Name}Liquid(string liquid) => Do(a => a.Set({key}, global::Braze.BrazeValue.Liquid(liquid)));");
            }

            if (m.Kind == ValueKind.Integer)
            {
                w.Lines($$"""
                    /// <summary>Increments {{doc}} by <paramref name="by"/> (negative decrements).</summary>
                    public UpdateBuilder Increment{{m.Name}}(long by = 1) => Do(a => a.Increment({{key}}, by));
                    /// <summary>Increments {{doc}} by a Liquid expression (Canvas User Update step only).</summary>
                    public UpdateBuilder Increment{{m.Name}}Liquid(string liquid) => Do(a => a.Increment({{key}}, global::Braze.BrazeValue.Liquid(liquid)));
                    """);
            }
        }

        w.Line($"/// <summary>Removes {doc} from the profile.</summary>");
        w.Line($"public UpdateBuilder Unset{m.Name}() => Do(a => a.Remove({key}));");
    }

    /// <summary>The <c>BrazeValue</c> expression for a value of the member's type.</summary>
    private static string Value(MemberModel m, string v) => m.Kind switch
    {
        ValueKind.Enum => $"global::Braze.BrazeValue.From({PropertiesEmitter.EnumSwitch(m, v, $"throw new global::System.ArgumentOutOfRangeException(nameof({v}))")})",
        ValueKind.Guid => $"global::Braze.BrazeValue.From({v}.ToString(\"D\"))",
        ValueKind.Uri => $"global::Braze.BrazeValue.From({v}.OriginalString)",
        ValueKind.Integer => $"global::Braze.BrazeValue.From((long){v})",
        ValueKind.Float => $"global::Braze.BrazeValue.From((double){v})",
        ValueKind.String or ValueKind.Boolean or ValueKind.Decimal or ValueKind.DateTimeOffset or ValueKind.DateTime or ValueKind.DateOnly
            or ValueKind.Nested => $"global::Braze.BrazeValue.From({v})",
        _ => throw new InvalidOperationException($"Unhandled value kind {m.Kind} of member {m.Name}"),
    };
}
