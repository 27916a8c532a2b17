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
                (ctx, ct) => Transform(ctx, kind, ct))
            .Where(static m => m is not null)
            .WithTrackingName(trackingName);

        context.RegisterSourceOutput(models, static (spc, model) => spc.AddSource(model!.HintName, Emit(model)));
    }

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
