using Braze.Generators.Emitting;
using Braze.Generators.Models;
using Braze.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Braze.Generators;

/// <summary>
/// Generates <c>IBrazeProperties</c> implementations (pre-encoded names, allocation-free writing, validation through
/// the SDK's rules) for records marked <c>[BrazeEvent]</c>, <c>[BrazePurchase]</c>, <c>[BrazeContext]</c>,
/// <c>[BrazeTriggerProperties]</c> and <c>[BrazeObject]</c>. Invalid input is skipped; the analyzer reports it.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class BrazeGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        Register(context, "Braze.BrazeEventAttribute", PropertiesKind.Event, TrackingNames.Events);
        Register(context, "Braze.BrazePurchaseAttribute", PropertiesKind.Purchase, TrackingNames.Purchases);
        Register(context, "Braze.BrazeContextAttribute", PropertiesKind.Context, TrackingNames.Contexts);
        Register(context, "Braze.BrazeTriggerPropertiesAttribute", PropertiesKind.TriggerProperties, TrackingNames.TriggerProperties);
        Register(context, "Braze.BrazeObjectAttribute", PropertiesKind.Object, TrackingNames.Objects);
        Register(context, "Braze.BrazeUserAttributesAttribute", PropertiesKind.UserAttributes, TrackingNames.UserAttributes);
    }

    private static void Register(IncrementalGeneratorInitializationContext context, string attribute, PropertiesKind kind, string trackingName)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attribute,
                static (node, _) => node is TypeDeclarationSyntax,
                (ctx, ct) => PropertiesParser.Parse(ctx, kind, ct))
            .Where(static m => m is not null)
            .WithTrackingName(trackingName);

        context.RegisterSourceOutput(models, static (spc, model) => spc.AddSource(
            model!.HintName,
            model.Kind == PropertiesKind.UserAttributes ? UserAttributesEmitter.Emit(model) : PropertiesEmitter.Emit(model)));
    }
}
