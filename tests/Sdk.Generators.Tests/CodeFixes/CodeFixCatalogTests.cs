using System.Reflection;
using Braze.CodeFixes.Fixes;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Braze.Generators.Tests.CodeFixes;

/// <summary>
/// Which diagnostic has which code fix, and which has none: the one statement of it, checked against the code-fix
/// assembly (what the IDE and <c>dotnet format</c> load) and against each docs/diagnostics page.
/// </summary>
public class CodeFixCatalogTests
{
    /// <summary>Every analyzer id and its fix; null: no safe, mechanical fix exists.</summary>
    public static readonly Dictionary<string, Type?> Catalog = new()
    {
        ["BRZ0001"] = typeof(MakePartialFix),
        ["BRZ0002"] = typeof(EventNameFix),
        ["BRZ0003"] = typeof(PropertyNameFix),
        ["BRZ0004"] = typeof(PropertyNameFix),
        ["BRZ0005"] = typeof(PropertyNameFix),
        ["BRZ0006"] = null, // which members to drop or move into an object is a design decision
        ["BRZ0007"] = typeof(IgnoreMemberFix),
        ["BRZ0008"] = typeof(TimesAsTextFix),
        ["BRZ0009"] = typeof(DateTimeOffsetFix),
        ["BRZ0010"] = typeof(PropertyNameFix),
        ["BRZ0011"] = typeof(IgnoreMemberFix),
        ["BRZ0012"] = null, // which marker to keep, or how to close a generic type, is a design decision
        ["BRZ0013"] = null, // whether a shipped name may go is the data team's decision, recorded by hand
        ["BRZ0014"] = typeof(TrackingPlanFix),
        ["BRZ0015"] = null, // which of the two types is right, or which record renames, is a design decision
    };

    private static readonly string s_root = typeof(CodeFixCatalogTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    private static IEnumerable<CodeFixProvider> Providers()
        => typeof(BrazeCodeFix).Assembly.GetTypes()
            .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!);

    [Fact]
    public void Every_analyzer_id_is_in_the_catalog()
        => Assert.Equal(new BrazeAnalyzer().SupportedDiagnostics.Select(d => d.Id).Order(), Catalog.Keys.Order());

    [Fact]
    public void The_code_fix_assembly_offers_exactly_the_catalog()
    {
        var offered = Providers().SelectMany(p => p.FixableDiagnosticIds.Select(id => (id, p.GetType()))).ToList();
        Assert.Equal(offered.Count, offered.Select(o => o.id).Distinct().Count()); // one fix per id
        foreach (var (id, fix) in Catalog)
        {
            Assert.Equal(fix, offered.Where(o => o.id == id).Select(o => o.Item2).SingleOrDefault());
        }
    }

    [Fact]
    public void Every_fix_is_exported_and_fixes_all_in_document_project_and_solution()
    {
        foreach (var provider in Providers())
        {
            var type = provider.GetType();
            var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
            Assert.True(export is not null, $"{type.Name} is not [ExportCodeFixProvider]");
            Assert.Contains(Microsoft.CodeAnalysis.LanguageNames.CSharp, export!.Languages);
            // No MEF [Shared]: it would tie the assembly to the System.Composition version it was built with (BrazeCodeFix).
            Assert.DoesNotContain(type.Assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("System.Composition", StringComparison.Ordinal));
            Assert.Equal([FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution], provider.GetFixAllProvider()!.GetSupportedFixAllScopes().Order());
        }
    }

    [Fact]
    public void Every_diagnostics_page_states_its_code_fix_or_why_there_is_none()
    {
        foreach (var (id, fix) in Catalog)
        {
            var page = File.ReadAllText(Path.Combine(s_root, "docs", "diagnostics", id + ".md"));
            var section = page.IndexOf("## Code fix", StringComparison.Ordinal);
            Assert.True(section >= 0, $"{id}.md has no '## Code fix' section");
            var text = page[section..];
            Assert.True(
                fix is null ? text.Contains("No code fix:", StringComparison.Ordinal) : text.Contains("Code fix:", StringComparison.Ordinal) && !text.Contains("No code fix", StringComparison.Ordinal),
                $"{id}.md must say {(fix is null ? "'No code fix: why'" : "'Code fix: what it does'")}");
        }
    }
}
