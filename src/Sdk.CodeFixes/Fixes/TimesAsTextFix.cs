using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Braze.CodeFixes.Editing;
using Braze.Generators.Checking;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Braze.CodeFixes.Fixes;

/// <summary>
/// BRZ0008: keeps every time of the collection and sends them as ISO 8601 strings under the member's wire name: the
/// member is marked <c>[BrazeIgnore]</c> (it stays on the record for its callers) and a computed property
/// <c>{Name}AsText</c> with <c>[BrazeProperty("{wire name}")]</c> maps each time with <c>ToString("O",
/// CultureInfo.InvariantCulture)</c>. Braze takes strings inside arrays (not times), so the data arrives whole, as text.
/// Fix All edits each document once: the properties of one record go into one body (a positional record without a
/// body gets one) and the usings it needs (<c>System.Linq</c>, <c>System.Globalization</c>) are added once.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TimesAsTextFix))]
public sealed class TimesAsTextFix : BrazeCodeFix
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.TimeInCollection);


    private protected override string? Title(SyntaxNode root, Diagnostic diagnostic)
        => SuggestedName(diagnostic) is not null && MemberSyntax.Find(root, diagnostic.Location.SourceSpan) is { } member && member.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not null
            ? $"Send '{MemberSyntax.Name(member)}' as ISO 8601 strings"
            : null;

    private protected override async Task<Document> FixAsync(Document document, SyntaxNode root, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return document;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Services);
        var endOfLine = MemberSyntax.EndOfLine(root);
        var added = new Dictionary<TypeDeclarationSyntax, List<(SyntaxNode After, MemberDeclarationSyntax Property)>>();
        var taken = new Dictionary<TypeDeclarationSyntax, HashSet<string>>();
        var needsLinq = false;
        var needsGlobalization = false;
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            var member = MemberSyntax.Find(root, diagnostic.Location.SourceSpan)!;
            var type = member.FirstAncestorOrSelf<TypeDeclarationSyntax>()!;
            var memberType = model.GetDeclaredSymbol(member, cancellationToken) switch
            {
                IParameterSymbol p => p.Type,
                IPropertySymbol p => p.Type,
                _ => null,
            };
            if (memberType is null)
            {
                continue;
            }

            if (!taken.TryGetValue(type, out var names))
            {
                names = new HashSet<string>(model.GetDeclaredSymbol(type, cancellationToken)?.MemberNames ?? []);
                taken[type] = names;
                added[type] = [];
            }

            var name = MemberSyntax.Name(member);
            var textName = name + "AsText";
            for (var n = 2; names.Contains(textName); n++)
            {
                textName = name + "AsText" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            names.Add(textName);
            var nullable = memberType.NullableAnnotation == NullableAnnotation.Annotated
                || memberType.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
            added[type].Add((member, TextProperty(name, textName, SuggestedName(diagnostic)!, nullable, memberType.NullableAnnotation == NullableAnnotation.Annotated)));
            editor.ReplaceNode(member, (current, _) => MemberSyntax.WithAttribute(current, MemberSyntax.BrazeAttribute("BrazeIgnore", null), endOfLine));

            var position = member.SpanStart;
            needsLinq |= model.LookupSymbols(position, memberType, "Select", includeReducedExtensionMethods: true).IsEmpty;
            needsGlobalization |= !model.LookupNamespacesAndTypes(position, name: "CultureInfo").Any(s => s is INamedTypeSymbol { ContainingNamespace.Name: "Globalization" });
        }

        foreach (var pair in added)
        {
            var type = pair.Key;
            var properties = pair.Value;
            foreach (var (after, property) in properties.Where(p => p.After is PropertyDeclarationSyntax))
            {
                editor.InsertAfter(after, BlankLineBefore(property, endOfLine));
            }

            var forParameters = properties.Where(p => p.After is ParameterSyntax).Select(p => p.Property).ToList();
            if (forParameters.Count > 0)
            {
                editor.ReplaceNode(type, (current, _) => WithMembersLast((TypeDeclarationSyntax)current, forParameters, endOfLine));
            }
        }

        var changed = (CompilationUnitSyntax)editor.GetChangedRoot();
        if (needsGlobalization)
        {
            changed = WithUsing(changed, "System.Globalization", endOfLine);
        }

        if (needsLinq)
        {
            changed = WithUsing(changed, "System.Linq", endOfLine);
        }

        return document.WithSyntaxRoot(changed);
    }

    /// <summary>The computed property that sends the times of <paramref name="name"/> as strings under <paramref name="wire"/>.</summary>
    private static MemberDeclarationSyntax TextProperty(string name, string textName, string wire, bool nullable, bool annotated)
    {
        var wireLiteral = SyntaxFactory.Literal(wire).Text;
        var access = nullable ? "?." : ".";
        var text =
            $"/// <summary>The times of <see cref=\"{name}\"/> as ISO 8601 strings, since Braze takes no times inside an array.</summary>\n" +
            $"[global::Braze.BrazeProperty({wireLiteral})]\n" +
            $"public global::System.Collections.Generic.IReadOnlyList<string>{(annotated ? "?" : string.Empty)} {textName} => {name}{access}Select(t => t.ToString(\"O\", global::System.Globalization.CultureInfo.InvariantCulture)).ToList();\n";
        return SyntaxFactory.ParseMemberDeclaration(text)!.WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);
    }

    /// <summary>
    /// <paramref name="type"/> with <paramref name="members"/> at the end of its body (so fixing one member at a time
    /// and all at once give the same order); a positional record without a body gets one.
    /// </summary>
    private static TypeDeclarationSyntax WithMembersLast(TypeDeclarationSyntax type, List<MemberDeclarationSyntax> members, SyntaxTrivia endOfLine)
    {
        var hasBody = !type.OpenBraceToken.IsMissing && !type.OpenBraceToken.IsKind(SyntaxKind.None);
        var list = new List<MemberDeclarationSyntax>(members.Count);
        for (var i = 0; i < members.Count; i++)
        {
            list.Add(i > 0 || (hasBody && type.Members.Count > 0) ? BlankLineBefore(members[i], endOfLine) : members[i]);
        }

        if (hasBody)
        {
            return type.WithMembers(type.Members.AddRange(list));
        }

        // `record R(...);` becomes `record R(...)` and a body; the semicolon's trailing trivia ends the body.
        var semicolon = type.SemicolonToken;
        var open = SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithAdditionalAnnotations(Formatter.Annotation);
        var close = SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.CloseBraceToken, semicolon.TrailingTrivia).WithAdditionalAnnotations(Formatter.Annotation);
        var withoutSemicolon = type.WithSemicolonToken(default);
        var last = withoutSemicolon.GetLastToken();
        withoutSemicolon = withoutSemicolon.ReplaceToken(last, last.WithTrailingTrivia(SyntaxFactory.TriviaList(endOfLine)));
        return withoutSemicolon.WithOpenBraceToken(open).WithMembers(SyntaxFactory.List(list)).WithCloseBraceToken(close);
    }

    private static MemberDeclarationSyntax BlankLineBefore(MemberDeclarationSyntax member, SyntaxTrivia endOfLine)
        => member.WithLeadingTrivia(member.GetLeadingTrivia().Insert(0, endOfLine));

    /// <summary><paramref name="unit"/> with <c>using <paramref name="ns"/>;</c> in order among its usings, or first when it has none.</summary>
    private static CompilationUnitSyntax WithUsing(CompilationUnitSyntax unit, string ns, SyntaxTrivia endOfLine)
    {
        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(ns).WithLeadingTrivia(SyntaxFactory.Space)).WithTrailingTrivia(endOfLine);
        var usings = unit.Usings;
        if (usings.Count == 0)
        {
            // Before the first line of code, after any header comment, with a blank line after it.
            var first = unit.GetFirstToken(includeZeroWidth: true);
            return unit.ReplaceToken(first, first.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithUsings(SyntaxFactory.SingletonList(directive.WithLeadingTrivia(first.LeadingTrivia).WithTrailingTrivia(endOfLine, endOfLine)));
        }

        // After the global usings, before the first using that sorts after it (System namespaces first).
        var index = 0;
        while (index < usings.Count && !usings[index].GlobalKeyword.IsKind(SyntaxKind.None))
        {
            index++;
        }

        while (index < usings.Count && usings[index].Alias is null && usings[index].StaticKeyword.IsKind(SyntaxKind.None)
            && CompareUsings(usings[index].Name?.ToString() ?? string.Empty, ns) < 0)
        {
            index++;
        }

        if (index < usings.Count)
        {
            // Takes the leading trivia of the directive it goes before (a header comment stays first).
            var next = usings[index];
            return unit.WithUsings(usings.Replace(next, next.WithLeadingTrivia(SyntaxFactory.TriviaList())).Insert(index, directive.WithLeadingTrivia(next.GetLeadingTrivia())));
        }

        return unit.WithUsings(usings.Add(directive));
    }

    private static int CompareUsings(string a, string b)
    {
        var (systemA, systemB) = (IsSystem(a), IsSystem(b));
        return systemA != systemB ? (systemA ? -1 : 1) : string.CompareOrdinal(a, b);
    }

    private static bool IsSystem(string ns) => ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal);
}
