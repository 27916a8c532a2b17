using Braze.Generators.Tests.Emitting;
using Microsoft.CodeAnalysis;

namespace Braze.Generators.Tests.Pipeline;

/// <summary>
/// The generator and the analyzer together: the generator skips exactly what the analyzer reports as an error, writes
/// compiling code for the rest, and every named step caches with models free of Roslyn objects.
/// </summary>
public class PipelineTests
{
    private const string Usings = "using System; using System.Collections.Generic; using Braze;\n";

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
        var compilation = GeneratorHarness.Compile(EmitterTests.Event, EveryKind);
        GeneratorDriver driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create([new BrazeGenerator().AsSourceGenerator()], parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);

        var unrelated = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class Unrelated { int X; }", GeneratorHarness.ParseOptions));
        AssertCached(driver.RunGenerators(unrelated).GetRunResult());

        var tree = compilation.SyntaxTrees.First();
        var sameText = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText()));
        AssertCached(driver.RunGenerators(sameText).GetRunResult());
    }

    [Fact]
    public void The_tracking_plan_steps_are_cached_on_an_unrelated_edit_and_rerun_when_a_record_changes()
    {
        var compilation = GeneratorHarness.Compile(EmitterTests.Event, EveryKind);
        var driver = GeneratorHarness.Driver(new Dictionary<string, string> { ["BrazeTrackingPlanOutput"] = "plan" }).RunGenerators(compilation);
        Assert.Contains(driver.GetRunResult().Results.Single().GeneratedSources, s => s.HintName == "BrazeTrackingPlan.g.cs");

        var unrelated = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class Unrelated { int X; }", GeneratorHarness.ParseOptions));
        var cached = driver.RunGenerators(unrelated).GetRunResult();
        AssertCached(cached);
        Assert.Contains(cached.Results.Single().GeneratedSources, s => s.HintName == "BrazeTrackingPlan.g.cs");

        // A new member of one event: that type's entries and the plan are computed again, the other types' are not.
        var tree = compilation.SyntaxTrees.Single(t => t.ToString().Contains("WelcomeContext", StringComparison.Ordinal));
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            tree.ToString().Replace("string CouponCode,", "string CouponCode, int Visits,", StringComparison.Ordinal))));
        var steps = driver.RunGenerators(edited).GetRunResult().Results.Single().TrackedSteps;
        Assert.Contains(steps[TrackingNames.PlanEntries].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(steps[TrackingNames.PlanEntries].SelectMany(s => s.Outputs), o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        Assert.Equal(IncrementalStepRunReason.Modified, steps[TrackingNames.Plan].Single().Outputs.Single().Reason);
        var plan = driver.RunGenerators(edited).GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == "BrazeTrackingPlan.g.cs");
        Assert.Contains("\"visits\"", plan.SourceText.ToString(), StringComparison.Ordinal);
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
