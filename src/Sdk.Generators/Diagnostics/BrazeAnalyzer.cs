using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Braze.Generators.Models;
using Braze.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Braze.Generators.Diagnostics;

/// <summary>Reports every Braze rule that can be checked at compile time on annotated payload types.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BrazeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.NotPartial, Descriptors.EventName, Descriptors.PropertyName, Descriptors.ReservedName, Descriptors.DuplicateName,
        Descriptors.TooManyProperties, Descriptors.UnsupportedType, Descriptors.TimeInCollection, Descriptors.AmbiguousDateTime,
        Descriptors.StandardField, Descriptors.IdentifierField);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var marker = type.GetAttributes().FirstOrDefault(a => a.AttributeClass is { } c && TypeClassifier.MarkerAttributes.Contains(c.ToDisplayString()));
        if (marker is null)
        {
            return;
        }

        var className = marker.AttributeClass!.Name;
        var attributeName = className.EndsWith("Attribute", System.StringComparison.Ordinal) ? className.Substring(0, className.Length - "Attribute".Length) : className;
        var typeLocation = type.Locations.FirstOrDefault() ?? Location.None;
        if (!PropertiesParser.IsPartial(type, context.CancellationToken))
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.NotPartial, typeLocation, type.Name, attributeName));
        }

        var isEvent = attributeName == "BrazeEvent";
        var isPurchase = attributeName == "BrazePurchase";
        var isObject = attributeName == "BrazeObject";
        var isUser = attributeName == "BrazeUserAttributes";
        if (isEvent)
        {
            var name = marker.ConstructorArguments.Length == 1 ? marker.ConstructorArguments[0].Value as string : null;
            var problem = string.IsNullOrEmpty(name) ? "empty" : NameRules.Length(name!) > NameRules.MaxLength ? $"{NameRules.Length(name!)} characters long" : null;
            if (problem is not null)
            {
                var location = marker.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? typeLocation;
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.EventName, location, type.Name, problem));
            }
        }

        var policy = TypeClassifier.NamingPolicy(marker);
        var seen = new Dictionary<string, string>();
        var count = 0;
        foreach (var property in TypeClassifier.Members(type))
        {
            count++;
            var location = MemberLocation(property, context);
            var c = TypeClassifier.Classify(property.Type);
            if (c.Kind == ValueKind.Unsupported || (c.IsDictionary && isUser))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnsupportedType, location, property.Name, property.Type.ToDisplayString()));
            }
            else if (c.IsCollection && c.IsTime)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.TimeInCollection, location, property.Name));
            }
            else if (c.Kind == ValueKind.DateTime)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.AmbiguousDateTime, location, property.Name));
            }

            var wire = TypeClassifier.WireName(property, policy);
            if (NameRules.Problem(wire, isPurchase, isObject) is { } why)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.PropertyName, location, wire, type.Name, why));
            }
            else if ((isEvent || isPurchase) && NameRules.IsReserved(wire, isPurchase))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.ReservedName, location, wire, isPurchase ? "purchase" : "custom event"));
            }

            if (isUser && NameRules.StandardFields.Contains(wire))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.StandardField, location, property.Name, wire, property.Name));
            }
            else if (isUser && NameRules.IdentifierFields.Contains(wire))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.IdentifierField, location, property.Name, wire));
            }

            if (seen.TryGetValue(wire, out var first))
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.DuplicateName, location, first, property.Name, wire));
            }
            else
            {
                seen[wire] = property.Name;
            }
        }

        if ((isEvent || isPurchase) && count > NameRules.MaxProperties)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.TooManyProperties, typeLocation, type.Name, count));
        }
    }

    /// <summary>Points at the member: the record parameter for positional records, else the property.</summary>
    private static Location MemberLocation(IPropertySymbol property, SymbolAnalysisContext context)
    {
        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(context.CancellationToken);
            return syntax switch
            {
                ParameterSyntax p => p.Identifier.GetLocation(),
                PropertyDeclarationSyntax p => p.Identifier.GetLocation(),
                _ => syntax.GetLocation(),
            };
        }

        return property.Locations.FirstOrDefault() ?? Location.None;
    }
}
