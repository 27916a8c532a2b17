using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Braze.Generators.Tests.CodeFixes;

/// <summary>
/// A code-fix test of <typeparamref name="TFix"/> against the real <see cref="BrazeAnalyzer"/>: the framework checks
/// the diagnostics of the source, applies the fix one diagnostic at a time and with Fix All in the document, project
/// and solution, and compares each result with the fixed source (which must compile and report nothing more).
/// </summary>
/// <remarks>
/// References work offline: no reference-assembly package is resolved (<see cref="ReferenceAssemblies"/> names only
/// the target framework, so the framework's NuGet resolver has nothing to download); the compilation references the
/// running framework's own assemblies (<c>TRUSTED_PLATFORM_ASSEMBLIES</c>) and <c>Braze.Sdk.dll</c>, as the
/// generator tests do (<see cref="GeneratorHarness"/>).
/// </remarks>
internal sealed class BrazeFixTest<TFix> : CSharpCodeFixTest<BrazeAnalyzer, TFix, DefaultVerifier>
    where TFix : CodeFixProvider, new()
{
    public const string Usings = "using System;\nusing System.Collections.Generic;\nusing Braze;\n\n";

    private static readonly ReferenceAssemblies s_none = new("net10.0");

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. trusted.Select(p => MetadataReference.CreateFromFile(p)), MetadataReference.CreateFromFile(typeof(IBrazeProperties).Assembly.Location)];
    });

    public BrazeFixTest()
    {
        ReferenceAssemblies = s_none;
        TestState.AdditionalReferences.AddRange(s_references.Value);
        SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            var options = ((CSharpCompilationOptions)project.CompilationOptions!).WithNullableContextOptions(NullableContextOptions.Enable);
            return solution.WithProjectCompilationOptions(projectId, options)
                .WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.CSharp12));
        });
    }

    /// <summary>Fixes <paramref name="source"/> (diagnostics in markup, <c>{|BRZ0001:Movie|}</c>) into <paramref name="fixedSource"/>.</summary>
    public static Task RunAsync(string source, string fixedSource, string? equivalenceKey = null)
        => new BrazeFixTest<TFix> { TestCode = source, FixedCode = fixedSource, CodeActionEquivalenceKey = equivalenceKey }.RunAsync();

    /// <summary>Checks that <paramref name="source"/> reports its diagnostics and that no fix is offered for them.</summary>
    public static Task NoFixAsync(string source)
        => new BrazeFixTest<TFix> { TestCode = source, FixedCode = source }.RunAsync();
}
