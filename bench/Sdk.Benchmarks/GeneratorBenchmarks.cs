using System.Reflection;
using BenchmarkDotNet.Attributes;
using Braze.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Braze.Benchmarks;

/// <summary>Time to run the Braze generator on 100 annotated records against System.Text.Json's generator on the same records.</summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _braze = null!;
    private CSharpCompilation _stj = null!;
    private ISourceGenerator _brazeGenerator = null!;
    private ISourceGenerator _stjGenerator = null!;

    [GlobalSetup]
    public void Setup()
    {
        var records = string.Join("\n", Enumerable.Range(0, 100).Select(i =>
            $"public partial record Event{i}(string Movie, string Director, decimal Price, int Rank, bool Rewatch, System.DateTimeOffset At, System.Collections.Generic.IReadOnlyList<string> Genres);"));
        var brazeSource = "using Braze;\nnamespace Bench;\n" + string.Join("\n", Enumerable.Range(0, 100).Select(i => $"[BrazeEvent(\"event_{i}\")]")
            .Zip(records.Split('\n'), (a, r) => a + "\n" + r));
        var stjSource = "using System.Text.Json.Serialization;\nnamespace Bench;\n" + records + "\n"
            + string.Join("\n", Enumerable.Range(0, 100).Select(i => $"[JsonSerializable(typeof(Event{i}))]")) + "\npublic partial class Ctx : JsonSerializerContext;";
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = trusted.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).Append(MetadataReference.CreateFromFile(typeof(IBrazeProperties).Assembly.Location)).ToList();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary);
        _braze = CSharpCompilation.Create("Braze", [CSharpSyntaxTree.ParseText(brazeSource)], references, options);
        _stj = CSharpCompilation.Create("Stj", [CSharpSyntaxTree.ParseText(stjSource)], references, options);
        _brazeGenerator = new BrazeGenerator().AsSourceGenerator();
        var stjPath = Directory.GetFiles(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", "..", "packs", "Microsoft.NETCore.App.Ref"), "System.Text.Json.SourceGeneration.dll", SearchOption.AllDirectories)
            .Where(p => p.Contains(Path.Combine("analyzers", "dotnet", "cs"), StringComparison.Ordinal)).OrderDescending().First();
        var stjAssembly = Assembly.LoadFrom(stjPath);
        var generatorType = stjAssembly.GetTypes().First(t => t.GetCustomAttributes(typeof(GeneratorAttribute), false).Length > 0 && typeof(IIncrementalGenerator).IsAssignableFrom(t));
        _stjGenerator = ((IIncrementalGenerator)Activator.CreateInstance(generatorType)!).AsSourceGenerator();
    }

    [Benchmark(Baseline = true, Description = "System.Text.Json generator, 100 records")]
    public int SystemTextJson() => Run(_stjGenerator, _stj);

    [Benchmark(Description = "Braze generator, 100 records")]
    public int Braze() => Run(_brazeGenerator, _braze);

    private static int Run(ISourceGenerator generator, CSharpCompilation compilation)
    {
        var driver = CSharpGeneratorDriver.Create([generator]).RunGenerators(compilation);
        return driver.GetRunResult().GeneratedTrees.Length;
    }
}
