using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Braze.CodeFixes.Editing;
using Braze.Generators.Checking;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace Braze.CodeFixes.Fixes;

/// <summary>
/// BRZ0009: declares the member <c>DateTimeOffset</c> instead of <c>DateTime</c> (<c>DateTime?</c> becomes
/// <c>DateTimeOffset?</c>; a qualified or aliased name is replaced by <c>DateTimeOffset</c>, simplified as far as the
/// file's usings allow). Callers that pass a <c>DateTime</c> still compile (the conversion is implicit, and reads an
/// unspecified kind as local time); code that reads the member as a <c>DateTime</c> needs <c>.UtcDateTime</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DateTimeOffsetFix))]
public sealed class DateTimeOffsetFix : BrazeCodeFix
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.AmbiguousDateTime);


    private protected override string? Title(SyntaxNode root, Diagnostic diagnostic)
        => MemberSyntax.Find(root, diagnostic.Location.SourceSpan) is { } member && DateTimeName(member) is not null
            ? $"Declare '{MemberSyntax.Name(member)}' as DateTimeOffset"
            : null;

    private protected override Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        foreach (var diagnostic in diagnostics)
        {
            var name = DateTimeName(MemberSyntax.Find(root, diagnostic.Location.SourceSpan)!)!;
            editor.ReplaceNode(name, SyntaxFactory.ParseTypeName("global::System.DateTimeOffset").WithTriviaFrom(name).WithAdditionalAnnotations(Simplifier.Annotation));
        }

        return Task.FromResult(document.WithSyntaxRoot(editor.GetChangedRoot()));
    }

    /// <summary>
    /// The name in the member's type that stands for <c>DateTime</c>: the type itself, or the <c>T</c> of <c>T?</c> and
    /// <c>Nullable&lt;T&gt;</c>. The analyzer already knows the type is <c>DateTime</c> or <c>DateTime?</c>; the syntax
    /// says where.
    /// </summary>
    private static NameSyntax? DateTimeName(SyntaxNode member)
    {
        var type = MemberSyntax.Type(member) switch
        {
            NullableTypeSyntax nullable => nullable.ElementType,
            NameSyntax name when Rightmost(name) is GenericNameSyntax { Identifier.ValueText: "Nullable", TypeArgumentList.Arguments: [var inner] } => inner,
            var other => other,
        };

        // Spelled DateTime (maybe qualified): an alias could stand for anything, so it gets no fix.
        return type is NameSyntax dateTime && Rightmost(dateTime) is IdentifierNameSyntax { Identifier.ValueText: "DateTime" } ? dateTime : null;
    }

    private static SimpleNameSyntax? Rightmost(NameSyntax name) => name switch
    {
        QualifiedNameSyntax q => q.Right,
        AliasQualifiedNameSyntax a => a.Name,
        SimpleNameSyntax s => s,
        _ => null,
    };
}
