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
/// BRZ0007 (a type Braze cannot take) and BRZ0011 (an identifier or push token on an attributes record): marks the
/// member <c>[BrazeIgnore]</c> (<c>[property: BrazeIgnore]</c> on a record parameter). The member stays on the record
/// for the code that uses it (an external id still builds the <c>UserId</c>); it is only left out of the payload,
/// where it could not go anyway. Removing it would break every caller, so that is not offered.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(IgnoreMemberFix))]
public sealed class IgnoreMemberFix : BrazeCodeFix
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnsupportedType, DiagnosticIds.IdentifierField);


    private protected override string? Title(SyntaxNode root, Diagnostic diagnostic)
        => MemberSyntax.Find(root, diagnostic.Location.SourceSpan) is { } member ? $"Leave '{MemberSyntax.Name(member)}' out of the payload ([BrazeIgnore])" : null;

    private protected override Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        var endOfLine = MemberSyntax.EndOfLine(root);
        var ignored = new System.Collections.Generic.HashSet<SyntaxNode>();
        foreach (var diagnostic in diagnostics)
        {
            var member = MemberSyntax.Find(root, diagnostic.Location.SourceSpan)!;
            if (ignored.Add(member))
            {
                editor.ReplaceNode(member, (current, _) => MemberSyntax.WithAttribute(current, MemberSyntax.BrazeAttribute("BrazeIgnore", null), endOfLine));
            }
        }

        return Task.FromResult(document.WithSyntaxRoot(editor.GetChangedRoot()));
    }
}
