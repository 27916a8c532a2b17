using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Braze.CodeFixes.Editing;
using Braze.Generators.Checking;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Braze.CodeFixes.Fixes;

/// <summary>
/// BRZ0002: replaces an empty event name with the type's name under the naming policy (<c>RentedMovie</c> becomes
/// <c>rented_movie</c>), and cuts an over-long one to 255 code points. Only a string literal is edited: a name from a
/// constant has no fix, since the constant may serve elsewhere.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(EventNameFix))]
public sealed class EventNameFix : BrazeCodeFix
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.EventName);


    private protected override string? Title(SyntaxNode root, Diagnostic diagnostic)
        => SuggestedName(diagnostic) is { } name && MemberSyntax.IsAttributeArgument(root, diagnostic.Location.SourceSpan, out var literal) && literal is not null
            ? $"Name the event '{Shorten(name)}'"
            : null;

    private protected override Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = new Microsoft.CodeAnalysis.Editing.SyntaxEditor(root, document.Project.Solution.Services);
        foreach (var diagnostic in diagnostics)
        {
            MemberSyntax.IsAttributeArgument(root, diagnostic.Location.SourceSpan, out var literal);
            editor.ReplaceNode(literal!, MemberSyntax.StringLiteral(SuggestedName(diagnostic)!, literal!));
        }

        return Task.FromResult(document.WithSyntaxRoot(editor.GetChangedRoot()));
    }

    /// <summary>A name short enough for a menu: a cut name is 255 characters long.</summary>
    internal static string Shorten(string name) => name.Length <= 40 ? name : name.Substring(0, 37) + "...";
}
