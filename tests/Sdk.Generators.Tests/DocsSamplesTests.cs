using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Braze.Generators.Tests;

/// <summary>
/// Every <c>```csharp</c> block of README.md and docs/ compiles, with the generator running and the analyzer on.
/// The blocks of one page form one compilation (a later block may use a record of an earlier one); a diagnostics page
/// compiles each block alone. In each block, type declarations go to the top level and statements into the body of an
/// async method of a class that predeclares the variables the docs use (locals of the same name shadow them). A line
/// whose comment names <c>BRZxxxx</c> must report that diagnostic; nothing else may be reported but warnings.
/// <c>```csharp no-compile</c> opts a block out.
/// </summary>
public sealed partial class DocsSamplesTests
{
    private static readonly string s_root = typeof(DocsSamplesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    // Only the usings a project's ImplicitUsings bring (console SDK): every sample writes the others itself, so that
    // it compiles as written when copied. The placeholders below stand for the reader's own objects.
    private const string Prelude = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;

        #pragma warning disable CS0649, CS8618
        internal abstract class DocsPrelude
        {
            protected static global::Braze.IBrazeClient braze;
            protected static global::Braze.IBrazeTracker tracker;
            protected static global::Microsoft.Extensions.DependencyInjection.IServiceCollection services;
            protected static global::Microsoft.Extensions.Configuration.IConfiguration configuration;
            protected static global::Microsoft.AspNetCore.Builder.WebApplicationBuilder builder;
            protected static CancellationToken cancellationToken;
            protected static global::Braze.UserId user;
            protected static string canvasId;
            protected static string campaignId;
            protected static DateTimeOffset released;
            protected static DateTimeOffset expires;
            protected static DateTime tomorrowAt9;
        }
        """;

    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string>();
        foreach (var page in DocPages())
        {
            data.Add(page);
        }

        return data;
    }

    private static IEnumerable<string> DocPages()
        => new[] { "README.md" }.Concat(Directory.EnumerateFiles(Path.Combine(s_root, "docs"), "*.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(s_root, p).Replace('\\', '/')))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void The_docs_have_compiled_samples()
    {
        // Guards the extraction itself: a broken fence regex would make every page pass with nothing compiled.
        var blocks = DocPages().Sum(p => Blocks(p).Count(b => !b.Skipped));
        Assert.True(blocks >= 30, $"only {blocks} csharp blocks found in README.md and docs/");
        Assert.Contains(Blocks("docs/diagnostics/BRZ0003.md"), b => b.Expected.Contains("BRZ0003"));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_csharp_sample_compiles(string page)
    {
        var blocks = Blocks(page).Where(b => !b.Skipped).ToList();
        IEnumerable<IReadOnlyList<Block>> units = page.StartsWith("docs/diagnostics/", StringComparison.Ordinal) ? blocks.Select(b => (IReadOnlyList<Block>)[b]) : [blocks];
        var problems = new List<string>();
        foreach (var unit in units.Where(u => u.Count > 0))
        {
            problems.AddRange(await CompileAsync(page, unit));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static async Task<List<string>> CompileAsync(string page, IReadOnlyList<Block> blocks)
    {
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(Prelude, GeneratorHarness.ParseOptions, path: "Prelude.cs") };
        trees.AddRange(blocks.Select(b => CSharpSyntaxTree.ParseText(Wrap(b), GeneratorHarness.ParseOptions, path: $"{page}:{b.Line}")));
        var compilation = GeneratorHarness.Compile().AddSyntaxTrees(trees);
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new BrazeGenerator().AsSourceGenerator()], parseOptions: GeneratorHarness.ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        // A diagnostics page's block sees the tracking plan files its page declared before it (each block compiles alone).
        var files = page.StartsWith("docs/diagnostics/", StringComparison.Ordinal) && blocks.Count == 1 ? blocks[0].PlanFiles : new Dictionary<string, string>();
        var options = new AnalyzerOptions([.. files.Select(f => (AdditionalText)new InMemoryAdditionalText("/docs/" + f.Key, f.Value))]);
        var analyzed = await output.WithAnalyzers([new BrazeAnalyzer()], options).GetAllDiagnosticsAsync();
        var reported = generatorDiagnostics.Concat(analyzed).Where(d => d.Severity == DiagnosticSeverity.Error || d.Id.StartsWith("BRZ", StringComparison.Ordinal)).ToList();

        var problems = new List<string>();
        var expected = blocks.SelectMany(b => b.Expected).ToHashSet(StringComparer.Ordinal);
        foreach (var d in reported.Where(d => !expected.Contains(d.Id)))
        {
            var tree = d.Location.SourceTree;
            var line = tree is null ? "" : tree.GetText().Lines[d.Location.GetLineSpan().StartLinePosition.Line].ToString().Trim();
            problems.Add($"{d.Location.SourceTree?.FilePath}: {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}  [{line}]");
        }

        foreach (var id in expected.Where(id => !reported.Any(d => d.Id == id)))
        {
            problems.Add($"{page}:{blocks[0].Line}: expected {id} but it was not reported");
        }

        return problems;
    }

    /// <summary>Type declarations and usings stay at the top level; statements go into an async method.</summary>
    private static string Wrap(Block block)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(block.Code, GeneratorHarness.ParseOptions).GetRoot();
        var text = new StringBuilder();
        foreach (var u in root.Usings)
        {
            text.AppendLine(u.ToFullString());
        }

        foreach (var member in root.Members.Where(m => m is not GlobalStatementSyntax))
        {
            text.AppendLine(member.ToFullString());
        }

        text.AppendLine($"internal sealed class DocsSample_{block.Line} : DocsPrelude {{ private async Task Run() {{");
        foreach (var statement in root.Members.OfType<GlobalStatementSyntax>())
        {
            text.AppendLine(statement.ToFullString());
        }

        text.AppendLine("await Task.CompletedTask; } }");
        return text.ToString();
    }

    /// <summary>A csharp block, and the tracking plan files (name, text) declared on its page before it.</summary>
    private sealed record Block(int Line, string Code, bool Skipped, IReadOnlySet<string> Expected, IReadOnlyDictionary<string, string> PlanFiles);

    /// <summary>
    /// The csharp blocks of <paramref name="page"/>. A block fenced <c>```text BrazeTrackingPlan.Shipped.txt</c> (or
    /// <c>Unshipped</c>) is that file's content for the csharp blocks after it, until the next block of that file.
    /// </summary>
    internal static IEnumerable<(int Line, string Code, bool Skipped, IReadOnlyDictionary<string, string> PlanFiles)> Fences(string page)
    {
        var lines = File.ReadAllLines(Path.Combine(s_root, page));
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].Trim();
            var planFile = fence.StartsWith("```text BrazeTrackingPlan.", StringComparison.Ordinal) ? fence["```text ".Length..].Trim() : null;
            if (!fence.StartsWith("```csharp", StringComparison.Ordinal) && planFile is null)
            {
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            var code = string.Join('\n', lines[start..end]);
            i = end;
            if (planFile is not null)
            {
                files[planFile] = code.Length == 0 ? code : code + "\n";
                continue;
            }

            yield return (start + 1, code, fence.Contains("no-compile", StringComparison.Ordinal), new Dictionary<string, string>(files));
        }
    }

    private static IEnumerable<Block> Blocks(string page)
    {
        foreach (var (line, code, skipped, files) in Fences(page))
        {
            var codeLines = code.Split('\n');
            var expected = codeLines.Select(l => l.IndexOf("//", StringComparison.Ordinal) is var c and >= 0 ? l[c..] : "")
                .SelectMany(comment => ExpectedDiagnostic().Matches(comment).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
            yield return new Block(line, code, skipped, expected, files);
        }
    }

    [GeneratedRegex(@"\bBRZ\d{4}\b")]
    private static partial Regex ExpectedDiagnostic();
}
