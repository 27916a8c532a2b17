using System.Collections.Immutable;
using System.Globalization;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Braze.Tests.Architecture;

/// <summary>
/// The layers of src/Sdk: a source file may use types declared in its own folder and in lower layers, never in a
/// higher one (issue 12, point 2). Layers are folders, not namespaces (public types all live in <c>Braze</c>), so
/// NetArchTest and ArchUnitNET cannot see them; Roslyn compiles the source and maps every referenced symbol back to
/// the file that declares it.
/// </summary>
public class LayerTests
{
    /// <summary>
    /// The architecture, bottom up: the single statement of it. A new folder of src/Sdk is added here, at its place,
    /// or the layering test fails. "Shared" is src/Shared, the rule tables linked into the SDK (and the generator).
    /// </summary>
    internal static readonly ImmutableArray<string> Layers =
    [
        "Shared",
        "Wire",
        "Rules",
        "Outcomes",
        "Generated",
        "Payloads",
        "Checks",
        "Configuration",
        "Transport",
        "Sending",
        "Delivery",
        "Hosting",
    ];

    /// <summary>
    /// The generator's layers, bottom up (src/Sdk.Generators): the equatable model, reading symbols into it, judging
    /// them (the analyzer's rules), emitting source from the model alone, and the pipelines that wire them.
    /// </summary>
    internal static readonly ImmutableArray<string> GeneratorLayers = ["Shared", "Model", "Parsing", "Checking", "Emitting", "Pipeline"];

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(References);

    // One compilation of the SDK serves every test of the class: parsing and binding it is the expensive part.
    private static readonly Lazy<LayerReport> s_sdk = new(() => LayerChecker.Check(Sources("src/Sdk"), Layers, s_references.Value));

    [Fact]
    public void No_source_file_depends_on_a_higher_layer()
    {
        var report = s_sdk.Value;
        var problems = new List<string>();
        if (report.Unseen.Count > 0)
        {
            // A name the compilation cannot resolve is a dependency this test cannot see: fix the set-up first.
            problems.Add("The checker cannot resolve these (a reference or language feature is missing, so dependencies could go unseen):");
            problems.AddRange(report.Unseen.Select(u => "  " + u));
        }

        if (report.UnlistedFiles.Count > 0)
        {
            problems.Add($"These files sit in no listed layer; add their folder to {nameof(LayerTests)}.{nameof(Layers)} at its place, bottom up:");
            problems.AddRange(report.UnlistedFiles.Select(f => "  " + f));
        }

        if (report.Violations.Count > 0)
        {
            problems.Add($"{report.Violations.Count} upward dependencies (a file may use its own folder and lower layers only: {string.Join(" < ", Layers)}); move the type down or the code up:");
            problems.AddRange(report.Violations.Select(v => "  " + v));
        }

        if (problems.Count > 0)
            Assert.Fail(string.Join('\n', problems));
    }

    [Fact]
    public void No_generator_source_file_depends_on_a_higher_layer()
    {
        // The generator compiles the shared tables as internal types (BRAZE_GENERATOR); Roslyn is beside the test.
        var report = LayerChecker.Check(Sources("src/Sdk.Generators"), GeneratorLayers, s_references.Value, ["BRAZE_GENERATOR"]);
        var problems = report.Unseen.Select(u => "unresolved: " + u)
            .Concat(report.UnlistedFiles.Select(f => $"in no layer of {nameof(GeneratorLayers)}: " + f))
            .Concat(report.SplitTypes)
            .Concat(report.Violations)
            .ToList();
        if (problems.Count > 0)
            Assert.Fail(string.Join('\n', problems));
    }

    [Fact]
    public void Every_type_is_declared_in_one_layer()
    {
        // A partial type split across folders belongs to two layers at once, so its position cannot be judged.
        var split = s_sdk.Value.SplitTypes;
        if (split.Count > 0)
            Assert.Fail("Partial types declared across layers; keep all parts in one folder:\n" + string.Join('\n', split.Select(s => "  " + s)));
    }

    [Fact]
    public void Checker_reports_an_upward_dependency_and_nothing_else()
    {
        // Proves the main test cannot pass vacuously: the same checker, same references, over two fake files.
        var report = LayerChecker.Check(
            [
                new("Wire/A.cs", "namespace Fake; internal static class A { public static int Size() => B.Limit; }"),
                new("Hosting/B.cs", "namespace Fake; internal static class B { public const int Limit = 1; public static A? Down; }"),
            ],
            Layers,
            s_references.Value);

        Assert.Empty(report.Unseen);
        Assert.Empty(report.UnlistedFiles);
        Assert.Empty(report.SplitTypes);
        Assert.Equal(["Wire/A.cs -> Hosting/B.cs (B)"], report.Violations);
    }

    [Fact]
    public void Checker_sees_attributes_base_types_generic_arguments_and_extension_methods()
    {
        // Uses that are easy to miss by walking only plain names: each higher type sits in its own file.
        var report = LayerChecker.Check(
            [
                new("Wire/W.cs", """
                    namespace Fake;
                    [H]
                    internal sealed class W : HBase
                    {
                        public System.Collections.Generic.List<HArg> Items { get; } = [];
                        public static int Four() => 2.Twice();
                    }
                    """),
                new("Hosting/HAttribute.cs", "namespace Fake; internal sealed class HAttribute : System.Attribute;"),
                new("Hosting/HBase.cs", "namespace Fake; internal class HBase;"),
                new("Hosting/HArg.cs", "namespace Fake; internal sealed class HArg;"),
                new("Hosting/HExtensions.cs", "namespace Fake; internal static class HExtensions { public static int Twice(this int x) => 2 * x; }"),
            ],
            Layers,
            s_references.Value);

        Assert.Empty(report.Unseen);
        Assert.Equal(
            [
                "Wire/W.cs -> Hosting/HArg.cs (HArg)",
                "Wire/W.cs -> Hosting/HAttribute.cs (HAttribute)",
                "Wire/W.cs -> Hosting/HBase.cs (HBase)",
                "Wire/W.cs -> Hosting/HExtensions.cs (HExtensions)",
            ],
            report.Violations);
    }

    [Fact]
    public void Checker_reports_files_outside_the_layers_and_types_split_across_them()
    {
        var report = LayerChecker.Check(
            [
                new("Misc/C.cs", "namespace Fake; internal static class C;"),
                new("Root.cs", "namespace Fake; internal static class Root;"),
                new("Rules/P.cs", "namespace Fake; internal static partial class P { public static int One() => 1; }"),
                new("Sending/P.Send.cs", "namespace Fake; internal static partial class P { public static int Two() => One() + 1; }"),
            ],
            Layers,
            s_references.Value);

        Assert.Empty(report.Unseen);
        Assert.Equal(["Misc/C.cs", "Root.cs"], report.UnlistedFiles);
        Assert.Equal(["P is declared in Rules/P.cs, Sending/P.Send.cs"], report.SplitTypes);
        // Sending's part calls Rules' part: downward, so not a violation.
        Assert.Empty(report.Violations);
    }

    [Fact]
    public void Checker_reports_a_name_it_cannot_resolve_but_not_a_member_a_generator_would_add()
    {
        var report = LayerChecker.Check(
            [
                new("Wire/D.cs", """
                    namespace Fake;
                    internal static partial class D
                    {
                        public static Missing? Field;
                        public static object Generated => D.Default;
                    }
                    """),
            ],
            Layers,
            s_references.Value);

        Assert.Equal(["Wire/D.cs(4): 'Missing' does not resolve"], report.Unseen);
        Assert.Empty(report.Violations);
    }

    /// <summary>Every .cs file of <paramref name="project"/> (without build output) and src/Shared, by path relative to its layer root.</summary>
    private static List<SourceFile> Sources(string project)
    {
        var root = RepositoryRoot();
        return [.. Read(Path.Combine(root, project), ""), .. Read(Path.Combine(root, "src", "Shared"), "Shared/")];

        static IEnumerable<SourceFile> Read(string directory, string prefix) =>
            Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(directory, path).Replace('\\', '/'))
                .Where(relative => !relative.Split('/').Any(segment => segment is "bin" or "obj"))
                .Order(StringComparer.Ordinal)
                .Select(relative => new SourceFile(prefix + relative, File.ReadAllText(Path.Combine(directory, relative))));
    }

    /// <summary>
    /// The directory holding Sdk.sln. The test's output directory normally sits inside the repository; with
    /// BRAZE_ARTIFACTS it does not, so the working directory and this file's compile-time path are tried too.
    /// </summary>
    private static string RepositoryRoot([CallerFilePath] string thisFile = "")
    {
        string[] starts = [AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetDirectoryName(thisFile) ?? ""];
        foreach (var start in starts)
        {
            for (var directory = start.Length > 0 ? new DirectoryInfo(start) : null; directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Sdk.sln")))
                    return directory.FullName;
            }
        }

        throw new InvalidOperationException("Sdk.sln not found above any of: " + string.Join(", ", starts));
    }

    /// <summary>
    /// The runtime's assemblies and every assembly beside the test (Refit, Microsoft.Extensions.*, Polly, Sqlite), so
    /// the SDK's source binds as it does in its own build. The repository's own assemblies are left out: a compiled
    /// Braze.Sdk.dll would answer for the source's types and hide where they are declared.
    /// </summary>
    private static ImmutableArray<MetadataReference> References()
    {
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var beside = Directory.GetFiles(AppContext.BaseDirectory, "*.dll");
        return
        [
            .. platform.Concat(beside)
                .Where(path => !Path.GetFileName(path).StartsWith("Braze.", StringComparison.OrdinalIgnoreCase))
                .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
                .Where(IsManagedAssembly)
                .Select(path => MetadataReference.CreateFromFile(path)),
        ];

        // Native libraries (e_sqlite3) can sit beside the test too; a reference to one would be a compile error.
        static bool IsManagedAssembly(string path)
        {
            try
            {
                using var reader = new PEReader(File.OpenRead(path));
                return reader.HasMetadata;
            }
            catch (BadImageFormatException)
            {
                return false;
            }
        }
    }
}

/// <summary>A source file by its path from the layer root ("Payloads/TrackRequest.cs"); the first folder is its layer.</summary>
internal sealed record SourceFile(string Path, string Text);

/// <summary>What the checker found, each list sorted, in the words a contributor acts on.</summary>
/// <param name="Violations">"From.cs -> To.cs (Type)" for each use of a type or member declared in a higher layer.</param>
/// <param name="UnlistedFiles">Files whose folder is not a layer.</param>
/// <param name="SplitTypes">Types whose parts sit in more than one layer.</param>
/// <param name="Unseen">Syntax errors and names that resolve to nothing: places where a dependency could hide.</param>
internal sealed record LayerReport(
    IReadOnlyList<string> Violations,
    IReadOnlyList<string> UnlistedFiles,
    IReadOnlyList<string> SplitTypes,
    IReadOnlyList<string> Unseen);

internal static class LayerChecker
{
    private const string ImplicitUsingsPath = "(implicit usings)";

    // What ImplicitUsings=enable gives a Microsoft.NET.Sdk project (Directory.Build.props turns it on); the SDK's
    // source relies on these, and they live in obj/, which is not read.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    // The symbols the SDK's net10.0 build defines, so #if blocks read as they compile.
    private static readonly string[] s_preprocessorSymbols =
    [
        "TRACE", "NET", "NETCOREAPP", "NET10_0",
        "NET5_0_OR_GREATER", "NET6_0_OR_GREATER", "NET7_0_OR_GREATER", "NET8_0_OR_GREATER", "NET9_0_OR_GREATER", "NET10_0_OR_GREATER",
        "NETCOREAPP3_1_OR_GREATER",
    ];

    private static readonly SymbolDisplayFormat s_typeName = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    public static LayerReport Check(IReadOnlyList<SourceFile> files, IReadOnlyList<string> layers, IEnumerable<MetadataReference> references, IEnumerable<string>? defines = null)
    {
        var rank = layers.Select((name, index) => (name, index)).ToDictionary(l => l.name, l => l.index, StringComparer.Ordinal);
        int LayerOf(string path)
        {
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            return slash > 0 && rank.TryGetValue(path[..slash], out var layer) ? layer : -1;
        }

        var parse = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: [.. s_preprocessorSymbols, .. defines ?? []]);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parse, f.Path)).ToList();
        var compilation = CSharpCompilation.Create(
            "Braze.Sdk",
            [.. trees, CSharpSyntaxTree.ParseText(ImplicitUsings, parse, ImplicitUsingsPath)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));

        var violations = new SortedSet<string>(StringComparer.Ordinal);
        var unlisted = new SortedSet<string>(StringComparer.Ordinal);
        var split = new SortedSet<string>(StringComparer.Ordinal);
        var unseen = new SortedSet<string>(StringComparer.Ordinal);
        var declared = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);

        foreach (var tree in trees)
        {
            var from = LayerOf(tree.FilePath);
            if (from < 0)
            {
                unlisted.Add(tree.FilePath);
                continue;
            }

            foreach (var error in tree.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
                unseen.Add($"{Where(tree, error.Location.SourceSpan)}: {error.Id} {error.GetMessage(CultureInfo.InvariantCulture)}");

            var model = compilation.GetSemanticModel(tree);

            // Docs (cref) are trivia and not walked: a comment is no dependency.
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax && model.GetDeclaredSymbol(node) is INamedTypeSymbol type && declared.Add(type))
                {
                    var parts = DeclaringFiles(type).ToList();
                    if (parts.Select(LayerOf).Distinct().Count() > 1)
                        split.Add($"{type.ToDisplayString(s_typeName)} is declared in {string.Join(", ", parts)}");
                }

                if (!CanReference(node))
                    continue;

                var info = model.GetSymbolInfo(node);
                if (info.Symbol is null && info.CandidateSymbols.IsEmpty && IsUnresolvedTypeOrName(node, model))
                    unseen.Add($"{Where(tree, node.Span)}: '{node}' does not resolve");

                foreach (var symbol in info.Symbol is { } bound ? [bound] : info.CandidateSymbols)
                {
                    var (owner, declaredIn) = Declaration(symbol);
                    if (owner is null)
                        continue;
                    foreach (var file in declaredIn)
                    {
                        if (LayerOf(file) > from)
                            violations.Add($"{tree.FilePath} -> {file} ({owner.ToDisplayString(s_typeName)})");
                    }
                }
            }
        }

        return new LayerReport([.. violations], [.. unlisted], [.. split], [.. unseen]);
    }

    // Names cover type uses, member access, qualified names, attributes, base lists and generic arguments; the rest
    // are uses that name no type: target-typed new, user-defined operators and indexers.
    private static bool CanReference(SyntaxNode node) => node
        is SimpleNameSyntax
        or ImplicitObjectCreationExpressionSyntax
        or BinaryExpressionSyntax
        or AssignmentExpressionSyntax
        or PrefixUnaryExpressionSyntax
        or PostfixUnaryExpressionSyntax
        or ElementAccessExpressionSyntax;

    /// <summary>
    /// A name that binds to nothing where a type or a variable should be: a missing reference or a typo hides a
    /// dependency, so the checker owns up to it. A missing member after a dot is not reported: that is what source
    /// generators, which do not run here, leave behind (<c>BrazeJsonContext.Default</c>), and its owner resolved.
    /// </summary>
    private static bool IsUnresolvedTypeOrName(SyntaxNode node, SemanticModel model) => node switch
    {
        IdentifierNameSyntax { Identifier.ValueText: "nameof" } when node.Parent is InvocationExpressionSyntax => false,
        // 'var' takes its type from the initializer, whose own names are checked: one gap, reported once.
        IdentifierNameSyntax { IsVar: true } => false,
        SimpleNameSyntax name when name.Parent is MemberAccessExpressionSyntax access && access.Name == name
            => model.GetSymbolInfo(access.Expression).Symbol is INamespaceSymbol,
        SimpleNameSyntax name when name.Parent is MemberBindingExpressionSyntax or NameColonSyntax or NameEqualsSyntax => false,
        SimpleNameSyntax => true,
        _ => false,
    };

    private static string Where(SyntaxTree tree, Microsoft.CodeAnalysis.Text.TextSpan span) =>
        $"{tree.FilePath}({tree.GetLineSpan(span).StartLinePosition.Line + 1})";

    /// <summary>The type a symbol belongs to and the source files that declare the symbol (none if from metadata).</summary>
    private static (INamedTypeSymbol? Owner, IEnumerable<string> Files) Declaration(ISymbol symbol)
    {
        // An extension method called as one, or a member of a constructed generic, is declared as its definition.
        symbol = (symbol is IMethodSymbol { ReducedFrom: { } definition } ? definition : symbol).OriginalDefinition;
        if (symbol is INamespaceSymbol)
            return (null, []);

        var owner = symbol as INamedTypeSymbol;
        for (var s = symbol.ContainingSymbol; owner is null && s is not null; s = s.ContainingSymbol)
            owner = s as INamedTypeSymbol;
        if (owner is null)
            return (null, []);

        // A member's own declaration says which part of a partial type it is in; implicit members (a default
        // constructor, a record's members) have none, so their type's files stand in.
        var files = symbol.DeclaringSyntaxReferences.Length > 0 ? DeclaringFiles(symbol) : DeclaringFiles(owner);
        return (owner, files);
    }

    private static IEnumerable<string> DeclaringFiles(ISymbol symbol) =>
        symbol.DeclaringSyntaxReferences.Select(r => r.SyntaxTree.FilePath).Where(p => p != ImplicitUsingsPath).Distinct().Order(StringComparer.Ordinal);
}
