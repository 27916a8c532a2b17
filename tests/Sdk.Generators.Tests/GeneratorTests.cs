using Microsoft.CodeAnalysis;

namespace Braze.Generators.Tests;

public class GeneratorTests
{
    private const string Event = """
        using System;
        using System.Collections.Generic;
        using Braze;

        namespace Demo;

        public enum Format { Streaming, [BrazeProperty("blu-ray")] BluRay }

        [BrazeEvent("rented_movie")]
        public partial record RentedMovie(
            string Movie,
            string? Director,
            decimal Price,
            int Rank,
            long? Views,
            double Rating,
            bool Rewatch,
            DateTimeOffset ReleasedAt,
            DateOnly? AvailableFrom,
            Format Format,
            Guid Id,
            Uri? Trailer,
            IReadOnlyList<string> Genres,
            int[] Scores,
            List<Format> Formats,
            [property: BrazeProperty("studio_name")] string Studio,
            [property: BrazeIgnore] string Secret,
            Cast? Lead,
            IReadOnlyDictionary<string, int>? Ratings,
            Dictionary<string, string> Labels);

        [BrazeObject]
        public partial record Cast(string Name, int Age);
        """;

    [Fact]
    public void Event_record_snapshot()
    {
        var (result, output, diagnostics) = GeneratorHarness.Run(Event);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var sources = result.Results.Single().GeneratedSources;
        Snapshot.Verify(sources.Single(s => s.HintName.StartsWith("Demo.RentedMovie", StringComparison.Ordinal)).SourceText.ToString(), "Event_record");
        Snapshot.Verify(sources.Single(s => s.HintName.StartsWith("Demo.Cast", StringComparison.Ordinal)).SourceText.ToString(), "Object_record");
    }

    [Fact]
    public void Purchase_context_and_trigger_properties_snapshots()
    {
        var (result, output, _) = GeneratorHarness.Run("""
            using System;
            using Braze;
            namespace Demo
            {
                [BrazePurchase]
                public partial record PopcornPurchase(string Size, bool Butter);

                public partial class Outer
                {
                    [BrazeContext]
                    public partial record WelcomeContext(string CouponCode, DateTimeOffset ExpiresAt);
                }

                [BrazeTriggerProperties(NamingPolicy = BrazeNamingPolicy.CamelCase)]
                public partial record struct OrderTrigger(string OrderId, decimal Total);
            }
            """);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var sources = result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName.Split('.')[1], s => s.SourceText.ToString());
        Snapshot.Verify(sources["PopcornPurchase"], "Purchase_record");
        Snapshot.Verify(sources["Outer"], "Context_record_nested_in_a_class");
        Snapshot.Verify(sources["OrderTrigger"], "Trigger_properties_record_struct");
    }

    [Fact]
    public void Invalid_input_generates_nothing()
    {
        var (result, _, _) = GeneratorHarness.Run("""
            using Braze;
            [BrazeEvent("x")] public record NotPartial(string A);
            [BrazeEvent("")] public partial record NoName(string A);
            [BrazeEvent("x")] public partial record Reserved(string Time);
            [BrazeEvent("x")] public partial record Unsupported(System.IO.Stream S);
            """);
        Assert.Empty(result.Results.Single().GeneratedSources);
    }

    private const string EveryKind = """
        using System;
        using Braze;
        namespace Demo;
        [BrazePurchase] public partial record PopcornPurchase(string Size, bool Butter);
        [BrazeContext] public partial record WelcomeContext(string CouponCode, DateTimeOffset ExpiresAt);
        [BrazeTriggerProperties] public partial record OrderTrigger(string OrderId, decimal Total);
        [BrazeUserAttributes] public partial record MemberProfile(bool VipMember, int LoyaltyPoints, Cast? Favorite);
        """;

    [Fact]
    public void Every_step_is_cached_on_an_unrelated_edit_and_on_a_same_text_edit()
    {
        var compilation = GeneratorHarness.Compile(Event, EveryKind);
        GeneratorDriver driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create([new BrazeGenerator().AsSourceGenerator()], parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);

        var unrelated = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class Unrelated { int X; }", GeneratorHarness.ParseOptions));
        AssertCached(driver.RunGenerators(unrelated).GetRunResult());

        var tree = compilation.SyntaxTrees.First();
        var sameText = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText()));
        AssertCached(driver.RunGenerators(sameText).GetRunResult());
    }

    private static void AssertCached(GeneratorDriverRunResult run)
    {
        var steps = run.Results.Single().TrackedSteps;
        foreach (var name in TrackingNames.All)
        {
            Assert.True(steps.ContainsKey(name), $"step {name} not tracked");
            foreach (var step in steps[name])
            {
                Assert.NotEmpty(step.Outputs);
                foreach (var (value, reason) in step.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {reason}");
                    AssertNoRoslynObjects(value);
                }
            }
        }

        Assert.All(run.Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    private static void AssertNoRoslynObjects(object? value)
    {
        if (value is null)
        {
            return;
        }

        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(Location), typeof(SemanticModel) };
        var type = value.GetType();
        Assert.DoesNotContain(forbidden, f => f.IsAssignableFrom(type));
        foreach (var p in type.GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            Assert.DoesNotContain(forbidden, f => f.IsAssignableFrom(p.PropertyType));
        }
    }
}

public class UserAttributesGeneratorTests
{
    [Fact]
    public void User_attributes_builder_snapshot()
    {
        var (result, output, _) = GeneratorHarness.Run("""
            using System;
            using System.Collections.Generic;
            using Braze;
            namespace Demo;
            [BrazeObject] public partial record Pet(int Id, string Name);
            [BrazeUserAttributes]
            public partial record MemberProfile(bool VipMember, int LoyaltyPoints, IReadOnlyList<string> FavoriteGenres, DateTimeOffset? LastRentalAt, Pet? Favorite, IReadOnlyList<Pet> Pets);
            """);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var source = result.Results.Single().GeneratedSources.Single(s => s.HintName.StartsWith("Demo.MemberProfile", StringComparison.Ordinal));
        Snapshot.Verify(source.SourceText.ToString(), "User_attributes_builder");
    }

    [Fact]
    public async Task BRZ0010_standard_field_with_another_type_and_BRZ0011_identifier()
    {
        var diagnostics = await GeneratorHarness.AnalyzeAsync("""
            using System; using Braze;
            [BrazeUserAttributes] public partial record Profile(int Country, string FirstName, DateOnly? Dob, string ExternalId, int Points);
            """);
        Assert.Equal(["BRZ0010", "BRZ0011"], diagnostics.Select(d => d.Id).Order());
        var standard = diagnostics.Single(d => d.Id == "BRZ0010");
        Assert.Equal("Country", standard.Location.SourceTree!.GetText().ToString(standard.Location.SourceSpan));
        Assert.Equal("Member 'Country' becomes 'country', Braze's standard profile field, but has type 'int' (the field takes string)", standard.GetMessage());
        var identifier = diagnostics.Single(d => d.Id == "BRZ0011");
        Assert.Equal("ExternalId", identifier.Location.SourceTree!.GetText().ToString(identifier.Location.SourceSpan));
        Assert.Contains("'external_id'", identifier.GetMessage(), StringComparison.Ordinal);
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
