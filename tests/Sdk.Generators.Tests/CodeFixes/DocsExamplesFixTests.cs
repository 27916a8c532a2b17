using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Braze.Generators.Tests.CodeFixes;

/// <summary>
/// A new user's bad record from each docs/diagnostics page (the block whose comment names the page's id) is fixed by
/// the light bulb: the fix is offered, applied one diagnostic at a time as the IDE would, and leaves the id gone and
/// no new compiler error.
/// </summary>
public sealed class DocsExamplesFixTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using Braze;\n";

    public static TheoryData<string> FixableIds()
    {
        var data = new TheoryData<string>();
        foreach (var (id, fix) in CodeFixCatalogTests.Catalog)
        {
            if (fix is not null)
            {
                data.Add(id);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixableIds))]
    public async Task The_bad_example_of_the_page_is_fixed_by_the_light_bulb(string id)
    {
        var (example, planFiles) = BadExample(id);
        var provider = (CodeFixProvider)Activator.CreateInstance(CodeFixCatalogTests.Catalog[id]!)!;
        using var workspace = new AdhocWorkspace();
        var document = Document(workspace, Usings + example, planFiles);
        var errorsBefore = await Errors(document);

        var fixes = 0;
        for (var diagnostics = await Reported(document, id); diagnostics.Count > 0; diagnostics = await Reported(document, id))
        {
            Assert.True(++fixes <= 10, $"{id} is still reported after 10 fixes:\n{await document.GetTextAsync()}");
            var actions = new List<CodeAction>();
            await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (a, _) => actions.Add(a), CancellationToken.None));
            Assert.True(actions.Count == 1, $"expected one fix for {diagnostics[0]}, got {actions.Count}");
            var operations = await actions[0].GetOperationsAsync(CancellationToken.None);
            document = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
        }

        Assert.True(fixes > 0, $"the example of {id}.md reports no {id}");
        Assert.Equal(errorsBefore, await Errors(document));
    }

    /// <summary>
    /// The first csharp block of the page with a line whose comment names <paramref name="id"/>, and the tracking plan
    /// files the page declared before it (<see cref="DocsSamplesTests.Fences"/>).
    /// </summary>
    private static (string Code, IReadOnlyDictionary<string, string> PlanFiles) BadExample(string id)
    {
        foreach (var (_, code, skipped, files) in DocsSamplesTests.Fences("docs/diagnostics/" + id + ".md"))
        {
            if (!skipped && code.Split('\n').Any(line => line.Contains("// " + id, StringComparison.Ordinal)))
            {
                return (code, files);
            }
        }

        throw new InvalidOperationException($"{id}.md has no example that names {id}");
    }

    private static Document Document(AdhocWorkspace workspace, string source, IReadOnlyDictionary<string, string> planFiles)
    {
        var projectId = ProjectId.CreateNewId();
        var additional = planFiles.Select(f => DocumentInfo.Create(
            DocumentId.CreateNewId(projectId), f.Key, loader: TextLoader.From(TextAndVersion.Create(SourceText.From(f.Value), VersionStamp.Create())), filePath: "/docs/" + f.Key));
        var project = workspace.AddProject(ProjectInfo.Create(
            projectId, VersionStamp.Create(), "Docs", "Docs", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: GeneratorHarness.ParseOptions,
            metadataReferences: GeneratorHarness.Compile().References,
            additionalDocuments: additional));
        return workspace.AddDocument(project.Id, "Example.cs", SourceText.From(source));
    }

    private static async Task<List<Diagnostic>> Reported(Document document, string id)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new BrazeAnalyzer()), document.Project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
        return [.. diagnostics.Where(d => d.Id == id).OrderBy(d => d.Location.SourceSpan.Start)];
    }

    private static async Task<string[]> Errors(Document document)
        => [.. (await document.Project.GetCompilationAsync())!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Order()];
}
