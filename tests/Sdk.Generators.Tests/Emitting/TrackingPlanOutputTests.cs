using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Braze.Generators.Tests.Emitting;

/// <summary>
/// The tracking plan written for data teams: the generator's <c>BrazeTrackingPlan.g.cs</c> (only when the build sets
/// <c>BrazeTrackingPlanOutput</c>), its JSON and Markdown, and the code of the <c>Braze.Sdk</c> build target that turns
/// it into the two files, compiled from <c>src/Sdk/buildTransitive/Braze.Sdk.targets</c> and run here.
/// </summary>
public sealed class TrackingPlanOutputTests
{
    private static readonly string s_root = typeof(TrackingPlanOutputTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    private static readonly Dictionary<string, string> s_asked = new() { ["BrazeTrackingPlanOutput"] = "plan" };

    internal const string Plan = """
        using System;
        using System.Collections.Generic;
        using Braze;

        namespace Shop;

        [BrazeObject] public partial record Seat(string Row, int Number);

        [BrazeEvent("rented_movie")]
        public partial record RentedMovie(string Movie, decimal Price, IReadOnlyList<string> Genres, DateTimeOffset ReleasedAt);

        [BrazeEvent("rented_movie")]
        public partial record RentedMovieAgain(string Movie, bool Rewatch);

        [BrazeEvent("bought_ticket")]
        public partial record BoughtTicket(string Movie, string Price, IReadOnlyList<Seat> Seats, [property: BrazeProperty("row|col `x`")] string Where);

        [BrazePurchase] public partial record Popcorn(string Size, bool Butter);

        [BrazeUserAttributes] public partial record Profile(string FirstName, string Plan, int LoyaltyPoints, Seat? FavoriteSeat);

        [BrazeUserAttributes] public partial record Billing(int Plan);

        [BrazeContext] public partial record Welcome(string CouponCode, DateTimeOffset ExpiresAt);

        [BrazeTriggerProperties] public partial record OrderTrigger(string OrderId, decimal Total);
        """;

    private static GeneratorDriverRunResult Run(string source, Dictionary<string, string>? properties)
        => GeneratorHarness.Driver(properties).RunGenerators(GeneratorHarness.Compile(source)).GetRunResult();

    private static string? PlanSource(GeneratorDriverRunResult run)
        => run.Results.Single().GeneratedSources.SingleOrDefault(s => s.HintName == "BrazeTrackingPlan.g.cs").SourceText?.ToString();

    [Fact]
    public void The_plan_is_generated_only_when_the_build_asks_for_it()
    {
        Assert.Null(PlanSource(Run(Plan, null)));
        Assert.Null(PlanSource(Run(Plan, new() { ["BrazeTrackingPlanOutput"] = " " })));
        Assert.NotNull(PlanSource(Run(Plan, s_asked)));
    }

    [Fact]
    public void The_generated_plan_is_comments_only_and_compiles_without_warnings()
    {
        var compilation = GeneratorHarness.Compile(Plan);
        GeneratorHarness.Driver(s_asked).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var tree = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("BrazeTrackingPlan.g.cs", StringComparison.Ordinal));
        Assert.Empty(tree.GetRoot().DescendantNodes()); // a compilation unit of trivia: nothing in the assembly
    }

    [Fact]
    public void Plan_snapshot()
        => Snapshot.Verify(PlanSource(Run(Plan, s_asked))!, "Tracking_plan");

    [Fact]
    public void The_JSON_lists_events_with_their_properties_and_each_flat_section()
    {
        var files = Extract(PlanSource(Run(Plan, s_asked))!);
        using var json = JsonDocument.Parse(files["BrazeTrackingPlan.json"]);
        var root = json.RootElement;
        Assert.Equal("Input", root.GetProperty("assembly").GetString());
        Assert.Equal(["bought_ticket", "rented_movie"], root.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        var rented = root.GetProperty("events")[1];
        Assert.Equal(["Shop.RentedMovie", "Shop.RentedMovieAgain"], rented.GetProperty("records").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(
            ["genres: array", "movie: string", "price: number", "released_at: time", "rewatch: boolean"],
            rented.GetProperty("properties").EnumerateArray().Select(p => p.GetProperty("name").GetString() + ": " + p.GetProperty("type").GetString()));
        Assert.Contains(root.GetProperty("events")[0].GetProperty("properties").EnumerateArray(), p => p.GetProperty("name").GetString() == "row|col `x`");
        Assert.Equal(
            ["favorite_seat: object", "loyalty_points: number", "plan: number", "plan: string"],
            root.GetProperty("attributes").EnumerateArray().Select(p => p.GetProperty("name").GetString() + ": " + p.GetProperty("type").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(["Shop.Billing"], root.GetProperty("attributes").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "plan" && a.GetProperty("type").GetString() == "number").GetProperty("records").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(2, root.GetProperty("purchaseProperties").GetArrayLength());
        Assert.Equal(["coupon_code", "expires_at"], root.GetProperty("contextProperties").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["order_id", "total"], root.GetProperty("triggerProperties").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }

    [Fact]
    public void An_assembly_without_payload_records_gets_an_empty_plan()
    {
        var files = Extract(PlanSource(Run("public class Nothing { }", s_asked))!);
        using var json = JsonDocument.Parse(files["BrazeTrackingPlan.json"]);
        Assert.Equal(0, json.RootElement.GetProperty("events").GetArrayLength());
        Assert.Contains("No `[BrazeEvent]`", files["BrazeTrackingPlan.md"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_build_target_s_code_writes_the_JSON_and_Markdown_files_and_rewrites_them_only_on_change()
    {
        var directory = Directory.CreateTempSubdirectory("braze-plan-");
        try
        {
            var source = Path.Combine(directory.FullName, "BrazeTrackingPlan.g.cs");
            File.WriteAllText(source, PlanSource(Run(Plan, s_asked))!);
            var destination = Path.Combine(directory.FullName, "out", "plan");
            var messages = RunTargetCode(source, destination);

            var expected = Extract(File.ReadAllText(source));
            Assert.Equal(expected["BrazeTrackingPlan.json"], File.ReadAllText(Path.Combine(destination, "BrazeTrackingPlan.json")));
            Assert.Equal(expected["BrazeTrackingPlan.md"], File.ReadAllText(Path.Combine(destination, "BrazeTrackingPlan.md")));
            Assert.Equal(2, messages.Count);
            Assert.All(messages, m => Assert.StartsWith("Braze tracking plan -> ", m, StringComparison.Ordinal));

            var written = File.GetLastWriteTimeUtc(Path.Combine(destination, "BrazeTrackingPlan.json"));
            File.SetLastWriteTimeUtc(Path.Combine(destination, "BrazeTrackingPlan.json"), written.AddHours(-1));
            RunTargetCode(source, destination);
            Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(Path.Combine(destination, "BrazeTrackingPlan.json"))); // same content: not touched
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The files of a generated plan source as the build target reads them: <c>//&gt; name</c>, then <c>//| line</c>s.</summary>
    private static Dictionary<string, string> Extract(string generated)
    {
        var files = new Dictionary<string, string>();
        string? current = null;
        foreach (var line in generated.Split('\n'))
        {
            if (line.StartsWith("//> ", StringComparison.Ordinal))
            {
                current = line[4..];
                files[current] = "";
            }
            else if (current is not null && line.StartsWith("//|", StringComparison.Ordinal))
            {
                files[current] += (line.Length > 4 ? line[4..] : "") + "\n";
            }
        }

        return files.ToDictionary(f => f.Key, f => f.Value.TrimEnd('\n') + "\n");
    }

    /// <summary>
    /// Compiles the C# of the <c>BrazeWriteTrackingPlanFiles</c> inline task from Braze.Sdk.targets (with a stand-in
    /// for MSBuild's <c>Log</c>) and runs it: the code that ships in the package, not a copy.
    /// </summary>
    private static List<string> RunTargetCode(string source, string destination)
    {
        var targets = XDocument.Load(Path.Combine(s_root, "src", "Sdk", "buildTransitive", "Braze.Sdk.targets"));
        var task = targets.Descendants().Single(e => e.Name.LocalName == "UsingTask" && (string?)e.Attribute("TaskName") == "BrazeWriteTrackingPlanFiles");
        var fragment = task.Descendants().Single(e => e.Name.LocalName == "Code").Value;
        var program = $$"""
            namespace Microsoft.Build.Framework { public enum MessageImportance { High, Normal, Low } }
            public sealed class StandInLog
            {
                public System.Collections.Generic.List<string> Messages { get; } = new();
                public void LogMessage(Microsoft.Build.Framework.MessageImportance importance, string message) => Messages.Add(message);
            }
            public static class TargetCode
            {
                public static System.Collections.Generic.List<string> Run(string Source, string Destination)
                {
                    var Log = new StandInLog();
                    {{fragment}}
                    return Log.Messages;
                }
            }
            """;
        var compilation = CSharpCompilation.Create("TargetCode", [CSharpSyntaxTree.ParseText(program)], GeneratorHarness.Compile().References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var assembly = Assembly.Load(stream.ToArray());
        return (List<string>)assembly.GetType("TargetCode")!.GetMethod("Run")!.Invoke(null, [source, destination])!;
    }
}
