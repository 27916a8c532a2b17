using Braze.Shared;
using Microsoft.CodeAnalysis;

namespace Braze.Generators.Tests.Checking;

/// <summary>Every rule the analyzer reports (BRZ0001 to BRZ0012): where, with which message, and from the shared rule tables.</summary>
public class DiagnosticTests
{
    private const string Usings = "using System; using System.Collections.Generic; using Braze;\n";

    private static async Task<Diagnostic> Single(string source, string id)
    {
        var diagnostics = await GeneratorHarness.AnalyzeAsync("using System; using System.Collections.Generic; using Braze;\n" + source);
        var matching = diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matching.Count == 1, $"expected one {id}, got: {string.Join("; ", diagnostics)}");
        return matching[0];
    }

    private static string Located(Diagnostic d)
    {
        var span = d.Location.SourceSpan;
        return d.Location.SourceTree!.GetText().ToString(span);
    }

    [Fact]
    public async Task Valid_input_has_no_diagnostics()
    {
        var diagnostics = await GeneratorHarness.AnalyzeAsync("""
            using System; using System.Collections.Generic; using Braze;
            [BrazeEvent("rented_movie")] public partial record RentedMovie(string Movie, decimal Price, DateTimeOffset At, IReadOnlyList<string> Genres);
            [BrazePurchase] public partial record Bought(string Size);
            [BrazeContext] public partial record Ctx(string CouponCode);
            """);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task BRZ0001_type_not_partial()
    {
        var d = await Single("""[BrazeEvent("e")] public record Movie(string Title);""", "BRZ0001");
        Assert.Equal("Movie", Located(d));
        Assert.Contains("'Movie' is marked [BrazeEvent] but is not partial", d.GetMessage(), StringComparison.Ordinal);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.EndsWith("docs/diagnostics/BRZ0001.md", d.Descriptor.HelpLinkUri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"\"", "empty")]
    [InlineData("256", "256 characters long")]
    public async Task BRZ0002_event_name(string name, string problem)
    {
        name = name == "256" ? "\"" + new string('e', 256) + "\"" : name;
        var d = await Single($$"""[BrazeEvent({{name}})] public partial record Movie(string Title);""", "BRZ0002");
        Assert.Equal(name, Located(d)); // the argument that gives the name, not the attribute
        Assert.Contains(problem, d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BRZ0003_property_name()
    {
        var d = await Single("""[BrazeEvent("e")] public partial record Movie([property: BrazeProperty("$title")] string Title);""", "BRZ0003");
        Assert.Equal("\"$title\"", Located(d)); // the argument that gives the name, not the member
        Assert.Contains("'$title'", d.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("starts with '$'", d.GetMessage(), StringComparison.Ordinal);
        var nested = await Single("""[BrazeObject] public partial record Pet([property: BrazeProperty("pet name")] string Name);""", "BRZ0003");
        Assert.Contains("space", nested.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BRZ0004_reserved_names_differ_for_events_and_purchases()
    {
        var e = await Single("""[BrazeEvent("e")] public partial record Movie(DateTimeOffset Time);""", "BRZ0004");
        Assert.Equal("Time", Located(e));
        Assert.Contains("custom event", e.GetMessage(), StringComparison.Ordinal);
        var p = await Single("""[BrazePurchase] public partial record Bought(decimal Price);""", "BRZ0004");
        Assert.Contains("'price' is reserved in purchase", p.GetMessage(), StringComparison.Ordinal);
        Assert.Empty((await GeneratorHarness.AnalyzeAsync("""using Braze; [BrazeEvent("e")] public partial record Movie(decimal Price);""")));
    }

    [Fact]
    public async Task BRZ0005_duplicate_after_naming_policy()
    {
        var d = await Single("""[BrazeEvent("e")] public partial record Movie(string MovieId, [property: BrazeProperty("movie_id")] string Other);""", "BRZ0005");
        Assert.Equal("\"movie_id\"", Located(d));
        Assert.Contains("'MovieId' and 'Other' both become the property 'movie_id'", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BRZ0006_more_than_256_properties()
    {
        var members = string.Join(" ", Enumerable.Range(0, 257).Select(i => $"public int P{i} {{ get; init; }}"));
        var d = await Single($$"""[BrazeEvent("e")] public partial record Big { {{members}} }""", "BRZ0006");
        Assert.Equal("Big", Located(d));
        Assert.Contains("257 properties", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BRZ0007_unsupported_type_is_named()
    {
        var d = await Single("""[BrazeEvent("e")] public partial record Movie(System.IO.Stream Poster);""", "BRZ0007");
        Assert.Equal("Poster", Located(d));
        Assert.Contains("'System.IO.Stream'", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BRZ0008_time_inside_a_collection()
    {
        var d = await Single("""[BrazeEvent("e")] public partial record Movie(IReadOnlyList<DateTimeOffset> Showings);""", "BRZ0008");
        Assert.Equal("Showings", Located(d));
    }

    [Fact]
    public async Task BRZ0009_datetime_warning_is_suppressible()
    {
        var d = await Single("""[BrazeEvent("e")] public partial record Movie(DateTime Released);""", "BRZ0009");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal("Released", Located(d));
        var suppressed = await GeneratorHarness.AnalyzeAsync("""
            using System; using Braze;
            [BrazeEvent("e")] public partial record Movie(
            #pragma warning disable BRZ0009
                DateTime Released
            #pragma warning restore BRZ0009
            );
            """);
        Assert.DoesNotContain(suppressed, x => x.Id == "BRZ0009" && !x.IsSuppressed);
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

    [Theory]
    [InlineData("external_id")]
    [InlineData("user_alias")]
    [InlineData("braze_id")]
    [InlineData("alias_name")]
    [InlineData("alias_label")]
    [InlineData("push_tokens")]
    [InlineData("push_token_import")]
    [InlineData("_update_existing_only")]
    [InlineData("_merge_objects")]
    public async Task BRZ0011_every_field_that_is_not_an_attribute(string wire)
    {
        var d = await Single($$"""[BrazeUserAttributes] public partial record Profile([property: BrazeProperty("{{wire}}")] string Value);""", "BRZ0011");
        Assert.Equal($"\"{wire}\"", Located(d));
        Assert.Contains($"'{wire}'", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reserved_names_are_the_shared_tables()
    {
        // The analyzer compiles the same src/Shared tables as the runtime (whose copy the tests can see).
        foreach (var name in PropertyNames.ReservedInPurchase)
        {
            var purchase = await Single($$"""[BrazePurchase] public partial record Bought([property: BrazeProperty("{{name}}")] string Value);""", "BRZ0004");
            Assert.Contains($"'{name}' is reserved in purchase", purchase.GetMessage(), StringComparison.Ordinal);
            var analyzed = await GeneratorHarness.AnalyzeAsync($$"""using Braze; [BrazeEvent("e")] public partial record Happened([property: BrazeProperty("{{name}}")] string Value);""");
            Assert.Equal(PropertyNames.IsReserved(name, purchase: false), analyzed.Any(d => d.Id == "BRZ0004"));
        }
    }

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
}
