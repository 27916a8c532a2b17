using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Braze.CodeFixes.Editing;
using Braze.Generators.Checking;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;

namespace Braze.CodeFixes.Fixes;

/// <summary>
/// BRZ0003 (invalid name), BRZ0004 (reserved name), BRZ0005 (duplicate name) and BRZ0010 (a standard profile field's
/// name with another type): sends the member under the valid name the analyzer planned (see
/// <c>docs/diagnostics/README.md</c>), by editing the <c>[BrazeProperty("...")]</c> string literal that gave the name, or
/// by adding <c>[BrazeProperty("...")]</c> (<c>[property: ...]</c> on a record parameter) to a member named by the
/// naming policy. The analyzer plans all members of a type together, so Fix All gives them distinct names.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PropertyNameFix))]
public sealed class PropertyNameFix : BrazeCodeFix
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.PropertyName, DiagnosticIds.ReservedName, DiagnosticIds.DuplicateName, DiagnosticIds.StandardField);


    private protected override string? Title(SyntaxNode root, Diagnostic diagnostic)
    {
        if (SuggestedName(diagnostic) is not { } name || MemberSyntax.Find(root, diagnostic.Location.SourceSpan) is not { } member)
        {
            return null;
        }

        var fromAttribute = MemberSyntax.IsAttributeArgument(root, diagnostic.Location.SourceSpan, out var literal);
        return fromAttribute && literal is null ? null : $"Send '{MemberSyntax.Name(member)}' as '{EventNameFix.Shorten(name)}'";
    }

    private protected override Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        var endOfLine = MemberSyntax.EndOfLine(root);
        var renamed = new System.Collections.Generic.HashSet<SyntaxNode>();
        foreach (var diagnostic in diagnostics)
        {
            // One name per member, whichever of its diagnostics (they carry the same plan) comes first.
            var name = SuggestedName(diagnostic)!;
            var member = MemberSyntax.Find(root, diagnostic.Location.SourceSpan)!;
            if (!renamed.Add(member))
            {
                continue;
            }

            if (MemberSyntax.IsAttributeArgument(root, diagnostic.Location.SourceSpan, out var literal))
            {
                editor.ReplaceNode(literal!, MemberSyntax.StringLiteral(name, literal!));
            }
            else
            {
                editor.ReplaceNode(member, (current, _) => MemberSyntax.WithAttribute(current, MemberSyntax.BrazeAttribute("BrazeProperty", name), endOfLine));
            }
        }

        return Task.FromResult(document.WithSyntaxRoot(editor.GetChangedRoot()));
    }
}
