using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace Braze.CodeFixes.Editing;

/// <summary>
/// Finds what a Braze diagnostic is about in the syntax tree, and writes Braze attributes onto members keeping the
/// member's trivia (comments, documentation, line breaks and indentation) where they were.
/// </summary>
internal static class MemberSyntax
{
    /// <summary>
    /// The member a diagnostic at <paramref name="span"/> is about: the record parameter or property declaration whose
    /// name (or <c>[BrazeProperty]</c> argument) the analyzer points at; null when it points at a type (an inherited
    /// member is reported on the type that inherits it, and cannot be edited there).
    /// </summary>
    public static SyntaxNode? Find(SyntaxNode root, TextSpan span)
    {
        for (var node = root.FindNode(span, getInnermostNodeForTie: true); node is not null; node = node.Parent)
        {
            switch (node)
            {
                case ParameterSyntax { Parent: ParameterListSyntax { Parent: TypeDeclarationSyntax } }:
                case PropertyDeclarationSyntax:
                    return node;
                case BaseTypeDeclarationSyntax or MemberDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }

    /// <summary>The C# name of a member <see cref="Find"/> returned.</summary>
    public static string Name(SyntaxNode member) => member switch
    {
        ParameterSyntax p => p.Identifier.ValueText,
        PropertyDeclarationSyntax p => p.Identifier.ValueText,
        _ => string.Empty,
    };

    /// <summary>The declared type of a member <see cref="Find"/> returned.</summary>
    public static TypeSyntax? Type(SyntaxNode member) => member switch
    {
        ParameterSyntax p => p.Type,
        PropertyDeclarationSyntax p => p.Type,
        _ => null,
    };

    /// <summary>
    /// True when a diagnostic at <paramref name="span"/> points at an attribute argument (a name given with
    /// <c>[BrazeProperty("...")]</c> or <c>[BrazeEvent("...")]</c>); <paramref name="literal"/> is that argument
    /// when it is a string literal, else null (a constant: the fix would change every use of it, so it offers none).
    /// </summary>
    public static bool IsAttributeArgument(SyntaxNode root, TextSpan span, out LiteralExpressionSyntax? literal)
    {
        var node = root.FindNode(span, getInnermostNodeForTie: true);
        literal = node as LiteralExpressionSyntax;
        if (literal is not null && !literal.IsKind(SyntaxKind.StringLiteralExpression))
        {
            literal = null;
        }

        return node.FirstAncestorOrSelf<AttributeArgumentSyntax>() is not null;
    }

    /// <summary>A regular string literal of <paramref name="value"/> in place of <paramref name="old"/>, with its trivia.</summary>
    public static LiteralExpressionSyntax StringLiteral(string value, SyntaxNode old)
        => SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(value)).WithTriviaFrom(old);

    /// <summary>
    /// The attribute <c>Braze.<paramref name="name"/></c>, with a string argument when <paramref name="argument"/> is
    /// not null; written fully qualified and simplified after the edit (<c>BrazeIgnore</c> where <c>using Braze;</c>
    /// is in scope).
    /// </summary>
    public static AttributeSyntax BrazeAttribute(string name, string? argument)
    {
        var attribute = SyntaxFactory.Attribute(SyntaxFactory.ParseName("global::Braze." + name).WithAdditionalAnnotations(Simplifier.Annotation));
        return argument is null
            ? attribute
            : attribute.WithArgumentList(SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.AttributeArgument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(argument))))));
    }

    /// <summary>
    /// <paramref name="member"/> with <paramref name="attribute"/> in a new attribute list after its others: on a
    /// record parameter as <c>[property: ...]</c> on the same line; on a property on a line of its own when the
    /// property starts a line, else before it on the same line.
    /// </summary>
    public static SyntaxNode WithAttribute(SyntaxNode member, AttributeSyntax attribute, SyntaxTrivia endOfLine)
    {
        var isParameter = member is ParameterSyntax;
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(attribute));
        if (isParameter)
        {
            list = list.WithTarget(SyntaxFactory.AttributeTargetSpecifier(SyntaxFactory.Token(SyntaxKind.PropertyKeyword)));
        }

        // Plain spaces, no elastic trivia: the code action's clean-up would otherwise reformat around the new list.
        list = list.NormalizeWhitespace();

        var lists = member switch
        {
            ParameterSyntax p => p.AttributeLists,
            PropertyDeclarationSyntax p => p.AttributeLists,
            _ => default,
        };

        if (lists.Count > 0)
        {
            // After the last list, separated from it and from the member as the last list is.
            var last = lists[lists.Count - 1];
            var next = last.GetLastToken().GetNextToken();
            list = list.WithLeadingTrivia(OnlyIndentation(next.LeadingTrivia)).WithTrailingTrivia(last.GetTrailingTrivia());
            return SetLists(member, lists.Add(list));
        }

        var first = member.GetFirstToken();
        var leading = first.LeadingTrivia;
        var onOwnLine = !isParameter && (leading.Any(SyntaxKind.EndOfLineTrivia) || first.GetPreviousToken().TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia));
        SyntaxTriviaList separator;
        SyntaxTriviaList memberLeading;
        if (onOwnLine)
        {
            separator = SyntaxFactory.TriviaList(endOfLine);
            memberLeading = Indentation(leading);
        }
        else
        {
            separator = SyntaxFactory.TriviaList(SyntaxFactory.Space);
            memberLeading = default;
        }

        member = member.ReplaceToken(first, first.WithLeadingTrivia(memberLeading));
        return SetLists(member, SyntaxFactory.SingletonList(list.WithLeadingTrivia(leading).WithTrailingTrivia(separator)));
    }

    private static SyntaxNode SetLists(SyntaxNode member, SyntaxList<AttributeListSyntax> lists) => member switch
    {
        ParameterSyntax p => p.WithAttributeLists(lists),
        PropertyDeclarationSyntax p => p.WithAttributeLists(lists),
        _ => member,
    };

    /// <summary>The whitespace after the last line break of <paramref name="trivia"/> (the indentation of the line it ends on).</summary>
    public static SyntaxTriviaList Indentation(SyntaxTriviaList trivia)
    {
        var result = SyntaxFactory.TriviaList();
        foreach (var t in trivia)
        {
            if (t.IsKind(SyntaxKind.EndOfLineTrivia) || t.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || t.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia))
            {
                result = SyntaxFactory.TriviaList();
            }
            else if (t.IsKind(SyntaxKind.WhitespaceTrivia))
            {
                result = result.Add(t);
            }
            else
            {
                result = SyntaxFactory.TriviaList();
            }
        }

        return result;
    }

    private static SyntaxTriviaList OnlyIndentation(SyntaxTriviaList trivia) => trivia.All(t => t.IsKind(SyntaxKind.WhitespaceTrivia)) ? trivia : Indentation(trivia);

    /// <summary>The line break the document uses (the first one in it), or a line feed.</summary>
    public static SyntaxTrivia EndOfLine(SyntaxNode root)
    {
        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia;
            }
        }

        return SyntaxFactory.LineFeed;
    }
}
