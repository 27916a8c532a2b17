using Microsoft.CodeAnalysis;

namespace Braze.Generators.Tests;

/// <summary>Declarations beyond the plain record: generics, inheritance, naming policy per assembly, odd enums, and
/// the promise that the generator never skips a type without the analyzer saying why.</summary>
public class DeclarationTests
{
    private const string Usings = "using System; using System.Collections.Generic; using Braze;\n";

    private static string Located(Diagnostic d) => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);

    [Theory]
    [InlineData("""[BrazeEvent("e")] public partial record Box<T>(string Name);""", "Box", "it is generic")]
    [InlineData("""public partial class Outer<T> { [BrazeObject] public partial record Inner(string Name); }""", "Inner", "its containing type 'Outer' is generic")]
    [InlineData("""[BrazeObject] public static partial class Tools { }""", "Tools", "it is static")]
    [InlineData("""[BrazeEvent("e"), BrazeContext] public partial record Both(string Name);""", "Both", "it has more than one Braze marker attribute")]
    public async Task BRZ0012_declarations_the_generator_cannot_write(string source, string type, string reason)
    {
        var diagnostics = await GeneratorHarness.AnalyzeAsync(Usings + source);
        var d = Assert.Single(diagnostics, x => x.Id == "BRZ0012");
        Assert.Equal(type, Located(d));
        Assert.Equal($"'{type}' cannot be a Braze payload type: {reason}", d.GetMessage());
        Assert.EndsWith("docs/diagnostics/BRZ0012.md", d.Descriptor.HelpLinkUri, StringComparison.Ordinal);
        Assert.Empty(GeneratorHarness.Run(Usings + source).Result.Results.Single().GeneratedSources);
    }

    public static TheoryData<string> Invalid => new()
    {
        """[BrazeEvent("e")] public record NotPartial(string A);""",
        """[BrazeEvent("")] public partial record NoName(string A);""",
        """[BrazeEvent("e")] public partial record Dollar([property: BrazeProperty("$a")] string A);""",
        """[BrazeEvent("e")] public partial record Reserved(string EventName);""",
        """[BrazePurchase] public partial record ReservedInPurchase(string ProductId);""",
        """[BrazeEvent("e")] public partial record Duplicate(string A, [property: BrazeProperty("a")] string B);""",
        """[BrazeEvent("e")] public partial record Unsupported(System.IO.Stream S);""",
        """[BrazeEvent("e")] public partial record TimesInArray(DateTimeOffset[] At);""",
        """[BrazeObject] public partial record NestedKey([property: BrazeProperty("a.b")] string A);""",
        """[BrazeUserAttributes] public partial record WrongStandardType(int Country);""",
        """[BrazeUserAttributes] public partial record Identifier(string BrazeId);""",
        """[BrazeEvent("e")] public partial record Generic<T>(string A);""",
        """[BrazeEvent("e")] public partial record Many { """ + string.Concat(Enumerable.Range(0, 257).Select(i => $"public int P{i} {{ get; init; }} ")) + "}",
        """public record Base(System.IO.Stream S); [BrazeEvent("e")] public partial record InheritsUnsupported(string A) : Base(Stream.Null);""",
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task The_generator_skips_only_what_the_analyzer_reports_as_an_error(string source)
    {
        source = Usings + "using System.IO;\n" + source;
        var diagnostics = await GeneratorHarness.AnalyzeAsync(source);
        Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(GeneratorHarness.Run(source).Result.Results.Single().GeneratedSources);
    }

    public static TheoryData<string> Valid => new()
    {
        """[BrazeContext] public partial record ManyContext { """ + string.Concat(Enumerable.Range(0, 300).Select(i => $"public int P{i} {{ get; init; }} ")) + "}",
        """[BrazeEvent("e")] public partial record Dictionaries(Dictionary<string, DateTimeOffset> Times, IReadOnlyDictionary<string, string?> Labels);""",
        """[BrazeContext] public partial record ContextMayUseTime(DateTimeOffset Time, string EventName);""",
        """[BrazeUserAttributes] public partial record DictionaryAttributes(Dictionary<string, int> Scores, IReadOnlyDictionary<string, string?>? Labels, IDictionary<string, Uri?> Links);""",
        """[BrazeUserAttributes] public partial record StandardOfItsType(string FirstName, DateOnly Dob, SubscriptionState EmailSubscribe, int Visits);""",
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public async Task Valid_declarations_generate_compiling_code_and_no_diagnostics(string source)
    {
        source = Usings + source;
        Assert.Empty(await GeneratorHarness.AnalyzeAsync(source));
        var (result, output, _) = GeneratorHarness.Run(source);
        Assert.Single(result.Results.Single().GeneratedSources);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public async Task The_assembly_naming_policy_applies_unless_the_marker_sets_one()
    {
        const string source = """
            using System; using Braze;
            [assembly: BrazeNamingPolicy(BrazeNamingPolicy.CamelCase)]
            namespace Demo;
            public enum Tier { GoldPlus }
            [BrazeEvent("e")] public partial record Camel(string ReleasedAt, Tier MemberTier);
            [BrazeEvent("e", NamingPolicy = BrazeNamingPolicy.SnakeCase)] public partial record Snake(string ReleasedAt);
            """;
        var (result, output, _) = GeneratorHarness.Run(source);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var sources = result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName.Split('.')[1], s => s.SourceText.ToString());
        Assert.Contains("Encode(\"releasedAt\")", sources["Camel"], StringComparison.Ordinal);
        Assert.Contains("=> \"goldPlus\"", sources["Camel"], StringComparison.Ordinal);
        Assert.Contains("Encode(\"released_at\")", sources["Snake"], StringComparison.Ordinal);

        // The analyzer names with the same policy: two members that meet only under camelCase collide.
        var d = Assert.Single(await GeneratorHarness.AnalyzeAsync("""
            using Braze;
            [assembly: BrazeNamingPolicy(BrazeNamingPolicy.CamelCase)]
            [BrazeEvent("e")] public partial record Clash(string MovieId, [property: BrazeProperty("movieId")] string Other);
            """));
        Assert.Equal("BRZ0005", d.Id);
    }

    [Fact]
    public void Adding_the_assembly_naming_policy_in_another_file_regenerates_the_records()
    {
        var compilation = GeneratorHarness.Compile(Usings + """[BrazeEvent("e")] public partial record Movie(string ReleasedAt);""");
        GeneratorDriver driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create([new BrazeGenerator().AsSourceGenerator()], parseOptions: GeneratorHarness.ParseOptions);
        driver = driver.RunGenerators(compilation);
        Assert.Contains("\"released_at\"", driver.GetRunResult().GeneratedTrees.Single().ToString(), StringComparison.Ordinal);

        var withPolicy = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            "[assembly: Braze.BrazeNamingPolicy(Braze.BrazeNamingPolicy.AsDeclared)]", GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(withPolicy);
        Assert.Contains("\"ReleasedAt\"", driver.GetRunResult().GeneratedTrees.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Inherited_members_are_sent_and_generated_members_hide_a_generated_base()
    {
        var (result, output, _) = GeneratorHarness.Run(Usings + """
            namespace Demo;
            [BrazeObject] public partial record Media(string Title, int Year);
            [BrazeEvent("rented_movie")] public partial record RentedMovie(string Title, int Year, decimal Price) : Media(Title, Year);
            [BrazeEvent("rented_sequel")] public partial record RentedSequel(string Title, int Year, decimal Price, int Part) : RentedMovie(Title, Year, Price);
            """);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var sources = result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName.Split('.')[1], s => s.SourceText.ToString());
        Snapshot.Verify(sources["RentedSequel"], "Event_record_derived_from_an_event");
        Assert.DoesNotContain(" new ", sources["Media"], StringComparison.Ordinal);
    }

    [Fact]
    public void Enums_without_members_or_with_aliases_compile_without_warnings()
    {
        var (result, output, _) = GeneratorHarness.Run(Usings + """
            namespace Demo;
            public enum Empty { }
            public enum Aliased { First = 1, One = 1, Second = 2 }
            [BrazeEvent("e")] public partial record Odd(Empty E, Aliased A, Aliased[] Many);
            [BrazeUserAttributes] public partial record OddProfile(Empty E, Aliased A, IReadOnlyList<Aliased> Many);
            """);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var odd = result.Results.Single().GeneratedSources.Single(s => s.HintName.StartsWith("Demo.Odd.", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("global::Demo.Aliased.First => \"first\", global::Demo.Aliased.Second => \"second\", _ =>", odd, StringComparison.Ordinal);
    }
}
