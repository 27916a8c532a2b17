using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Braze.Generators.Checking;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Braze.CodeFixes.Fixes;

/// <summary>
/// BRZ0001: adds <c>partial</c> to the payload type and to every type containing it that lacks it. Fix All edits each
/// document once: two nested payload types share their containing types, whose edits would conflict in a batch.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialFix))]
public sealed class MakePartialFix : BrazeCodeFix
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NotPartial);


    private protected override string? Title(SyntaxNode root, Diagnostic diagnostic)
        => Declaration(root, diagnostic) is { } type ? $"Make '{type.Identifier.ValueText}' partial" : null;

    private protected override Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var declarations = new HashSet<TypeDeclarationSyntax>();
        foreach (var diagnostic in diagnostics)
        {
            for (var type = Declaration(root, diagnostic); type is not null; type = type.Parent as TypeDeclarationSyntax)
            {
                if (!type.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    declarations.Add(type);
                }
            }
        }

        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNodes(declarations, (_, rewritten) => WithPartial(rewritten))));
    }

    /// <summary>The type declaration the diagnostic names (BRZ0001 is reported at its identifier).</summary>
    private static TypeDeclarationSyntax? Declaration(SyntaxNode root, Diagnostic diagnostic)
        => root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) as TypeDeclarationSyntax;

    /// <summary>
    /// <paramref name="type"/> with <c>partial</c> as its last modifier (C# wants it right before the keyword); without
    /// modifiers, the keyword's leading trivia moves to <c>partial</c>.
    /// </summary>
    private static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax type)
    {
        var partial = SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        if (type.Modifiers.Count > 0)
        {
            return type.WithModifiers(type.Modifiers.Add(partial));
        }

        var keyword = type.Keyword;
        return type.ReplaceToken(keyword, keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
            .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
    }
}
