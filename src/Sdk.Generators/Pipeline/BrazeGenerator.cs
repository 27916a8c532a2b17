using System;
using System.Linq;
using System.Threading;
using Braze.Generators.Checking;
using Braze.Generators.Emitting;
using Braze.Generators.Model;
using Braze.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Braze.Generators;

/// <summary>
/// Generates <c>IBrazeProperties</c> implementations (pre-encoded names, allocation-free writing, validation through
/// the SDK's rules) for records marked <c>[BrazeEvent]</c>, <c>[BrazePurchase]</c>, <c>[BrazeContext]</c>,
/// <c>[BrazeTriggerProperties]</c> and <c>[BrazeObject]</c>, and the update builder of <c>[BrazeUserAttributes]</c>
/// records. Invalid input is skipped; the analyzer reports it.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class BrazeGenerator : IIncrementalGenerator
{
    /// <summary>The MSBuild property (a <c>CompilerVisibleProperty</c> of <c>Braze.Sdk</c>) that asks for the tracking plan's files.</summary>
    private const string PlanOutputProperty = "build_property.BrazeTrackingPlanOutput";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var events = Register(context, "Braze.BrazeEventAttribute", PropertiesKind.Event, TrackingNames.Events);
        var purchases = Register(context, "Braze.BrazePurchaseAttribute", PropertiesKind.Purchase, TrackingNames.Purchases);
        var contexts = Register(context, "Braze.BrazeContextAttribute", PropertiesKind.Context, TrackingNames.Contexts);
        var triggers = Register(context, "Braze.BrazeTriggerPropertiesAttribute", PropertiesKind.TriggerProperties, TrackingNames.TriggerProperties);
        Register(context, "Braze.BrazeObjectAttribute", PropertiesKind.Object, TrackingNames.Objects);
        var attributes = Register(context, "Braze.BrazeUserAttributesAttribute", PropertiesKind.UserAttributes, TrackingNames.UserAttributes);

        // The tracking plan: each type's entries (cached per type), all of them sorted, and written only when the
        // build asks for it (BrazeTrackingPlanOutput; the Braze.Sdk target turns the source into the files).
        var plan = PlanEntries(events)
            .Combine(PlanEntries(purchases)).Select(static (p, _) => Concat(p.Left, p.Right))
            .Combine(PlanEntries(contexts)).Select(static (p, _) => Concat(p.Left, p.Right))
            .Combine(PlanEntries(triggers)).Select(static (p, _) => Concat(p.Left, p.Right))
            .Combine(PlanEntries(attributes)).Select(static (p, _) => Concat(p.Left, p.Right))
            .Select(static (entries, _) => EquatableArray.From(entries.OrderBy(e => e.Line, StringComparer.Ordinal).ThenBy(e => e.Record, StringComparer.Ordinal)))
            .WithTrackingName(TrackingNames.Plan);
        var output = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue(PlanOutputProperty, out var value) && !string.IsNullOrWhiteSpace(value))
            .Combine(context.CompilationProvider.Select(static (compilation, _) => compilation.AssemblyName ?? string.Empty))
            .WithTrackingName(TrackingNames.PlanOutput);
        context.RegisterSourceOutput(plan.Combine(output), static (spc, p) =>
        {
            if (p.Right.Left)
            {
                spc.AddSource(TrackingPlanEmitter.HintName, TrackingPlanEmitter.Emit(p.Left, p.Right.Right));
            }
        });
    }

    private static IncrementalValuesProvider<PropertiesModel?> Register(IncrementalGeneratorInitializationContext context, string attribute, PropertiesKind kind, string trackingName)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is TypeDeclarationSyntax,
                (ctx, ct) => Transform(ctx, kind, ct))
            .Where(static m => m is not null)
            .WithTrackingName(trackingName);

        context.RegisterSourceOutput(models, static (spc, model) => spc.AddSource(model!.HintName, Emit(model)));
        return models;
    }

    /// <summary>The plan entries of every model of <paramref name="models"/>, one array.</summary>
    private static IncrementalValueProvider<EquatableArray<PlanEntry>> PlanEntries(IncrementalValuesProvider<PropertiesModel?> models)
        => models
            .Select(static (model, _) => TrackingPlan.Of(model!))
            .WithTrackingName(TrackingNames.PlanEntries)
            .Collect()
            .Select(static (arrays, _) => EquatableArray.From(arrays.SelectMany(a => a)));

    private static EquatableArray<PlanEntry> Concat(EquatableArray<PlanEntry> left, EquatableArray<PlanEntry> right)
        => EquatableArray.From(left.Concat(right));

    /// <summary>
    /// Reads the marked type, and models it when the checker finds no error (the analyzer reports exactly those
    /// problems; a type with one would not compile or not be valid, so it gets no code).
    /// </summary>
    private static PropertiesModel? Transform(GeneratorAttributeSyntaxContext context, PropertiesKind kind, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0)
        {
            return null;
        }

        var parsed = PropertiesParser.Read(type, context.Attributes[0], kind, cancellationToken);
        return PayloadChecker.HasErrors(parsed, cancellationToken) ? null : PropertiesParser.ToModel(parsed);
    }

    private static string Emit(PropertiesModel model) => model.Kind switch
    {
        PropertiesKind.Event or PropertiesKind.Purchase or PropertiesKind.Context or PropertiesKind.TriggerProperties or PropertiesKind.Object
            => PropertiesEmitter.Emit(model),
        PropertiesKind.UserAttributes => UserAttributesEmitter.Emit(model),
        _ => throw new System.InvalidOperationException($"Unhandled properties kind {model.Kind}"),
    };
}
