using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Braze.Generators.Tests;

/// <summary>Runs the generator and the analyzer over source text, with the real runtime assemblies referenced.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. trusted.Select(p => MetadataReference.CreateFromFile(p)), MetadataReference.CreateFromFile(typeof(IBrazeProperties).Assembly.Location)];
    });

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp12);

    public static CSharpCompilation Compile(params string[] sources)
        => CSharpCompilation.Create(
            "Input",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions)),
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));

    public static (GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(params string[] sources)
    {
        var compilation = Compile(sources);
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new BrazeGenerator().AsSourceGenerator()], parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (driver.GetRunResult(), output, diagnostics);
    }

    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(params string[] sources)
    {
        var compilation = Compile(sources);
        return await compilation.WithAnalyzers([new BrazeAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>Analyzes <paramref name="sources"/> with <paramref name="files"/> (path, text) as the project's AdditionalFiles.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync((string Path, string Text)[] files, params string[] sources)
    {
        var compilation = Compile(sources);
        var options = new AnalyzerOptions([.. files.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text))]);
        return await compilation.WithAnalyzers([new BrazeAnalyzer()], options).GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>A driver of the generator that tracks its steps, with <paramref name="buildProperties"/> as MSBuild properties the compiler sees.</summary>
    public static GeneratorDriver Driver(IReadOnlyDictionary<string, string>? buildProperties = null)
        => CSharpGeneratorDriver.Create(
            [new BrazeGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            optionsProvider: new BuildPropertiesProvider(buildProperties ?? new Dictionary<string, string>()),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
}

/// <summary>An AdditionalFiles item held in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>MSBuild properties as the compiler passes <c>CompilerVisibleProperty</c> items (<c>build_property.Name</c>).</summary>
internal sealed class BuildPropertiesProvider(IReadOnlyDictionary<string, string> properties) : AnalyzerConfigOptionsProvider
{
    private static readonly AnalyzerConfigOptions s_empty = new Options(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(properties.ToDictionary(p => "build_property." + p.Key, p => p.Value));

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => s_empty;

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
