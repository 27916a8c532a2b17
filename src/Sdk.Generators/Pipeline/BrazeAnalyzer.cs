using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Braze.Generators.Checking;
using Braze.Generators.Model;
using Braze.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

// The analyzer is the generator's sibling entry point: both live in Pipeline/ and in the root namespace.
namespace Braze.Generators;

/// <summary>Reports every Braze rule that can be checked at compile time on annotated payload types.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BrazeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.NotPartial, Descriptors.EventName, Descriptors.PropertyName, Descriptors.ReservedName, Descriptors.DuplicateName,
        Descriptors.TooManyProperties, Descriptors.UnsupportedType, Descriptors.TimeInCollection, Descriptors.AmbiguousDateTime,
        Descriptors.StandardField, Descriptors.IdentifierField, Descriptors.UnsupportedDeclaration);

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
        AttributeData? marker = null;
        PropertiesKind kind = default;
        foreach (var attribute in type.GetAttributes())
        {
            if (Markers.KindOf(attribute.AttributeClass) is { } k)
            {
                marker = attribute;
                kind = k;
                break;
            }
        }

        if (marker is null)
        {
            return;
        }

        var problems = new List<Problem>();
        PayloadChecker.Check(PropertiesParser.Read(type, marker, kind, context.CancellationToken), problems, context.CancellationToken);
        var typeLocation = type.Locations.FirstOrDefault() ?? Location.None;
        foreach (var problem in problems)
        {
            var location = problem.AtMarker
                ? ArgumentLocation(marker, context) ?? marker.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? typeLocation
                : problem.Member is { } member ? MemberLocation(member, problem.NameSource, type, typeLocation, context) : typeLocation;

            // The planned name goes to the code fix only where it can edit the member or the marker: not for an
            // inherited member, which is reported on the type.
            var properties = problem.SuggestedName is { } name && (problem.Member is null || location != typeLocation)
                ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.SuggestedName, name)
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(problem.Descriptor, location, properties, problem.Args));
        }
    }

    /// <summary>The first positional argument of <paramref name="attribute"/> as written (the name it gives), or null.</summary>
    private static Location? ArgumentLocation(AttributeData? attribute, SymbolAnalysisContext context)
    {
        if (attribute?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is AttributeSyntax { ArgumentList: { } arguments })
        {
            foreach (var argument in arguments.Arguments)
            {
                if (argument.NameEquals is null)
                {
                    return argument.Expression.GetLocation();
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Points at the member: at the argument of the <c>[BrazeProperty]</c> that gave a name the problem is about, else
    /// the record parameter for positional records, else the property.
    /// </summary>
    private static Location MemberLocation(IPropertySymbol property, AttributeData? nameSource, INamedTypeSymbol type, Location typeLocation, SymbolAnalysisContext context)
    {
        // An inherited member is declared elsewhere (maybe in metadata): report it on the annotated type.
        if (!SymbolEqualityComparer.Default.Equals(property.ContainingType, type))
        {
            return typeLocation;
        }

        if (ArgumentLocation(nameSource, context) is { } argument)
        {
            return argument;
        }

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
