using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Braze.Generators.Checking;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace Braze.CodeFixes.Fixes;

/// <summary>
/// BRZ0014: adds the entry the analyzer put on the diagnostic (<see cref="DiagnosticIds.PlanLine"/>) to the project's
/// <c>BrazeTrackingPlan.Unshipped.txt</c>, keeping its entry lines in ordinal order (as PublicApiAnalyzers'
/// <c>DeclarePublicApiFix</c> edits <c>PublicAPI.Unshipped.txt</c>). No fix without that file: the project's plan
/// starts with both files (docs/tracking-plan.md).
/// </summary>
/// <remarks>
/// It edits an additional document, not the document of the diagnostic, so it is not a <see cref="BrazeCodeFix"/>:
/// Fix All gathers the lines of every BRZ0014 of its scope, per project, and edits each project's file once.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TrackingPlanFix))]
public sealed class TrackingPlanFix : CodeFixProvider
{
    private static readonly string s_key = nameof(TrackingPlanFix) + "." + DiagnosticIds.NotInTrackingPlan;

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NotInTrackingPlan);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => new AddAllToPlan();

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var project = context.Document.Project;
        if (Unshipped(project) is null)
        {
            return Task.CompletedTask;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Line(diagnostic) is { } line)
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Add '{line}' to {DiagnosticIds.TrackingPlanUnshipped}", ct => AddAsync(project.Solution, [(project, new[] { line })], ct), s_key),
                    diagnostic);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The line the analyzer put on <paramref name="diagnostic"/>, or null.</summary>
    private static string? Line(Diagnostic diagnostic)
        => diagnostic.Properties.TryGetValue(DiagnosticIds.PlanLine, out var line) && !string.IsNullOrEmpty(line) ? line : null;

    /// <summary>The project's <c>BrazeTrackingPlan.Unshipped.txt</c> (by file name, as the analyzer finds it), or null.</summary>
    private static TextDocument? Unshipped(Project project)
        => project.AdditionalDocuments.FirstOrDefault(d => string.Equals(d.Name, DiagnosticIds.TrackingPlanUnshipped, StringComparison.OrdinalIgnoreCase));

    /// <summary><paramref name="solution"/> with each project's lines added to its Unshipped file.</summary>
    private static async Task<Solution> AddAsync(Solution solution, IEnumerable<(Project Project, IEnumerable<string> Lines)> additions, CancellationToken cancellationToken)
    {
        foreach (var (project, lines) in additions)
        {
            if (Unshipped(project) is not { } document)
            {
                continue;
            }

            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            solution = solution.WithAdditionalDocumentText(document.Id, WithLines(text, lines));
        }

        return solution;
    }

    /// <summary>
    /// <paramref name="text"/> with <paramref name="lines"/> added where they sort (ordinal) among its entry lines:
    /// before the first entry line that sorts after, else at the end; lines it has already are not added again.
    /// Comments, blank lines and the file's line break (and whether it ends with one) are kept.
    /// </summary>
    private static SourceText WithLines(SourceText text, IEnumerable<string> lines)
    {
        var content = text.ToString();
        var newLine = content.Contains("\r\n") ? "\r\n" : "\n";
        var existing = text.Lines.Select(l => l.ToString()).ToList();
        if (existing.Count > 0 && existing[existing.Count - 1].Length == 0)
        {
            // A final line break leaves an empty last line: it is the file's ending, not a line of it.
            existing.RemoveAt(existing.Count - 1);
        }

        var endsWithNewLine = content.Length == 0 || content.EndsWith("\n", StringComparison.Ordinal);
        var present = new HashSet<string>(existing.Select(l => l.Trim()), StringComparer.Ordinal);
        foreach (var line in lines.Distinct(StringComparer.Ordinal).OrderBy(l => l, StringComparer.Ordinal))
        {
            if (!present.Add(line))
            {
                continue;
            }

            var index = existing.FindIndex(l => IsEntry(l) && string.CompareOrdinal(l.Trim(), line) > 0);
            existing.Insert(index < 0 ? existing.Count : index, line);
        }

        var result = string.Join(newLine, existing) + (endsWithNewLine ? newLine : string.Empty);
        return text.Replace(new TextSpan(0, text.Length), result);
    }

    private static bool IsEntry(string line)
    {
        var trimmed = line.Trim();
        return trimmed.Length > 0 && trimmed[0] != '#';
    }

    /// <summary>Fix All: every BRZ0014 of the document, project or solution, each project's Unshipped file edited once.</summary>
    private sealed class AddAllToPlan : FixAllProvider
    {
        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => [FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution];

        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var additions = new List<(Project, IEnumerable<string>)>();
            switch (fixAllContext.Scope)
            {
                case FixAllScope.Document when fixAllContext.Document is { } document:
                    additions.Add((document.Project, Lines(await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false))));
                    break;
                case FixAllScope.Project:
                    additions.Add((fixAllContext.Project, Lines(await fixAllContext.GetAllDiagnosticsAsync(fixAllContext.Project).ConfigureAwait(false))));
                    break;
                case FixAllScope.Solution:
                    foreach (var project in fixAllContext.Solution.Projects)
                    {
                        additions.Add((project, Lines(await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false))));
                    }

                    break;
                default:
                    return null;
            }

            var solution = fixAllContext.Solution;
            return CodeAction.Create($"Add every new name to {DiagnosticIds.TrackingPlanUnshipped}", ct => AddAsync(solution, additions, ct), s_key);
        }

        private static List<string> Lines(ImmutableArray<Diagnostic> diagnostics)
            => diagnostics.Where(d => d.Id == DiagnosticIds.NotInTrackingPlan).Select(Line).OfType<string>().ToList();
    }
}
