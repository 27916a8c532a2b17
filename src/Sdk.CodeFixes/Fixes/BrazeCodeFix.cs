using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Braze.CodeFixes.Editing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Braze.CodeFixes.Fixes;

/// <summary>
/// The shape of every Braze code fix: one edit of a document for any number of its diagnostics, so that the light
/// bulb (one diagnostic) and Fix All (every diagnostic of the id in a document, project or solution) run the same code.
/// </summary>
/// <remarks>
/// Fix All is document-based (<c>FixAllProvider.Create</c>) for every fix, not Roslyn's batch fixer. Some fixes share
/// a node between diagnostics (a containing type gets <c>partial</c> once for two nested payload types; one record
/// body and one using directive serve several members), which separately computed batch edits would conflict on. And
/// <c>dotnet format analyzers</c> builds its Fix All context with the equivalence key of whichever diagnostic it
/// found first, of any id; the batch fixer keeps only the actions of that key, so it would skip a Braze id whenever
/// another Braze diagnostic came first. The document-based provider fixes every diagnostic of the requested id, each
/// document edited once.
/// <para>
/// The providers are <c>[ExportCodeFixProvider]</c> without MEF's <c>[Shared]</c>: the IDE and <c>dotnet format</c>
/// create the fixes of an analyzer package by reflection, and <c>[Shared]</c> would make this assembly reference
/// System.Composition at the version the package registry has (8.0), newer than the 7.0 Roslyn 4.8 hosts load.
/// </para>
/// </remarks>
public abstract class BrazeCodeFix : CodeFixProvider
{
    /// <summary>The light bulb's title for <paramref name="diagnostic"/>, or null when there is no safe fix for it.</summary>
    private protected abstract string? Title(SyntaxNode root, Diagnostic diagnostic);

    /// <summary>Fixes every diagnostic of <paramref name="diagnostics"/> (all have a <see cref="Title"/>) in <paramref name="document"/>.</summary>
    private protected abstract Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken);

    /// <summary>The equivalence key of this fix for <paramref name="id"/>: one per fix and diagnostic id.</summary>
    private protected string EquivalenceKey(string id) => GetType().Name + "." + id;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Title(root, diagnostic) is { } title)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(title, cancellationToken => FixAndCleanAsync(document, root, ImmutableArray.Create(diagnostic), cancellationToken), EquivalenceKey(diagnostic.Id)),
                    diagnostic);
            }
        }
    }

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var fixable = diagnostics.Where(d => Title(root, d) is not null).ToImmutableArray();
        return fixable.IsEmpty ? document : await FixAndCleanAsync(document, root, fixable, context.CancellationToken).ConfigureAwait(false);
    });

    private async Task<Document> FixAndCleanAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        => await Cleanup.RunAsync(await FixAsync(document, root, diagnostics, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>The planned wire name the analyzer put on <paramref name="diagnostic"/>, or null.</summary>
    private protected static string? SuggestedName(Diagnostic diagnostic)
        => diagnostic.Properties.TryGetValue(Braze.Generators.Checking.DiagnosticIds.SuggestedName, out var name) && !string.IsNullOrEmpty(name) ? name : null;
}
