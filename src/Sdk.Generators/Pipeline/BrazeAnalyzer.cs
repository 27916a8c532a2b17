using System.Collections.Concurrent;
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
        Descriptors.StandardField, Descriptors.IdentifierField, Descriptors.UnsupportedDeclaration,
        Descriptors.TrackingPlanDrift, Descriptors.NotInTrackingPlan, Descriptors.ConflictingTypes);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            // The tracking plan: the baseline files when the project has them (else no baseline rule applies), and
            // every type's entries, judged together once all types are seen (BRZ0013, BRZ0015).
            var baseline = PlanBaseline.Read(start.Options.AdditionalFiles, start.CancellationToken);
            var plan = new ConcurrentQueue<(PlanOccurrence Occurrence, Location Location)>();
            start.RegisterSymbolAction(context => AnalyzeType(context, baseline, plan), SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end => ReportPlan(end, baseline, plan));
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, PlanBaseline? baseline, ConcurrentQueue<(PlanOccurrence, Location)> plan)
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
        var parsed = PropertiesParser.Read(type, marker, kind, context.CancellationToken);
        PayloadChecker.Check(parsed, problems, context.CancellationToken);
        var typeLocation = type.Locations.FirstOrDefault() ?? Location.None;
        foreach (var problem in problems)
        {
            var location = problem.AtMarker
                ? MarkerLocation(marker, typeLocation, context)
                : problem.Member is { } member ? MemberLocation(member, problem.NameSource, type, typeLocation, context) : typeLocation;

            // The planned name goes to the code fix only where it can edit the member or the marker: not for an
            // inherited member, which is reported on the type.
            var properties = problem.SuggestedName is { } name && (problem.Member is null || location != typeLocation)
                ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.SuggestedName, name)
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(problem.Descriptor, location, properties, problem.Args));
        }

        foreach (var occurrence in PlanChecker.Entries(parsed, problems))
        {
            var location = occurrence.Member is { } member
                ? MemberLocation(member, occurrence.NameSource, type, typeLocation, context)
                : MarkerLocation(marker, typeLocation, context);
            plan.Enqueue((occurrence, location));
            if (baseline is not null && occurrence.Judged && !baseline.Lists(occurrence.Entry.Line))
            {
                var others = baseline.OtherTypes(occurrence.Entry).Select(l => "'" + l + "'").ToList();
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.NotInTrackingPlan,
                    location,
                    ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.PlanLine, occurrence.Entry.Line),
                    occurrence.Entry.Line,
                    others.Count == 0 ? string.Empty : "; the plan has " + string.Join(" and ", others) + " (the type changed)"));
            }
        }
    }

    /// <summary>
    /// At the end of the compilation: each name sent with two Braze types (BRZ0015, at every member involved), and
    /// with a baseline, each line of it the code does not match (BRZ0013, at the line).
    /// </summary>
    private static void ReportPlan(CompilationAnalysisContext context, PlanBaseline? baseline, ConcurrentQueue<(PlanOccurrence Occurrence, Location Location)> plan)
    {
        var declared = plan.ToList();
        foreach (var conflict in PlanChecker.Conflicts(declared.ConvertAll(p => p.Occurrence)))
        {
            var (occurrence, location) = declared[conflict.Index];
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.ConflictingTypes, location, conflict.What, occurrence.Entry.Name, PlanText.TypeName(occurrence.Entry.Type), conflict.Others));
        }

        if (baseline is null)
        {
            return;
        }

        foreach (var drift in PlanChecker.Drift(baseline, declared.Select(p => p.Occurrence.Entry)))
        {
            var line = drift.Line;
            var shown = (line.Line.Removed ? PlanText.RemovedPrefix : string.Empty) + line.Line.Text;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.TrackingPlanDrift, Location.Create(line.Path, line.Span, line.LineSpan), shown, line.FileName, drift.Reason));
        }
    }

    /// <summary>The marker's name argument as written, else the marker, else the type.</summary>
    private static Location MarkerLocation(AttributeData marker, Location typeLocation, SymbolAnalysisContext context)
        => ArgumentLocation(marker, context) ?? marker.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? typeLocation;

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
