using Microsoft.CodeAnalysis;

namespace Braze.Generators.Tests.Parsing;

/// <summary>What the parser reads from a declaration: naming policies, inherited members, and the members it leaves out.</summary>
public class ParserTests
{
    private const string Usings = "using System; using System.Collections.Generic; using Braze;\n";

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
    public void A_purchase_derived_from_a_purchase_hides_every_generated_member()
    {
        var (result, output, _) = GeneratorHarness.Run(Usings + """
            namespace Demo;
            [BrazePurchase] public partial record Popcorn(string Size);
            [BrazePurchase] public partial record ButteredPopcorn(string Size, bool Butter) : Popcorn(Size);
            """);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var derived = result.Results.Single().GeneratedSources.Single(s => s.HintName.StartsWith("Demo.ButteredPopcorn", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("public new global::Braze.Purchase ToPurchase(", derived, StringComparison.Ordinal);
        Assert.Contains("public new global::Braze.Purchase ToUserUpdateStepPurchase(", derived, StringComparison.Ordinal);
    }

    [Fact]
    public void A_standard_field_of_its_own_type_is_left_to_the_builders_standard_setter()
    {
        var (result, output, _) = GeneratorHarness.Run("""
            using System; using Braze;
            namespace Demo;
            [BrazeUserAttributes] public partial record Profile(string FirstName, DateOnly? Dob, Gender Gender, int Points);
            public static class Use
            {
                public static Profile.UpdateBuilder Build() => Profile.Update(UserId.External("u")).SetFirstName("Ann").SetDateOfBirth(new DateOnly(1990, 1, 2)).SetGender(Gender.Female).SetPoints(3);
            }
            """);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var source = result.Results.Single().GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("SetPoints", source, StringComparison.Ordinal);
        Assert.DoesNotContain("\"first_name\"", source, StringComparison.Ordinal);
        Assert.DoesNotContain("\"dob\"", source, StringComparison.Ordinal);
    }
}
