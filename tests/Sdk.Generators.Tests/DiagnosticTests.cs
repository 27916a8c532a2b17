using Microsoft.CodeAnalysis;

namespace Braze.Generators.Tests;

public class DiagnosticTests
{
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
        Assert.StartsWith("BrazeEvent(", Located(d), StringComparison.Ordinal);
        Assert.Contains(problem, d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BRZ0003_property_name()
    {
        var d = await Single("""[BrazeEvent("e")] public partial record Movie([property: BrazeProperty("$title")] string Title);""", "BRZ0003");
        Assert.Equal("Title", Located(d));
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
        Assert.Equal("Other", Located(d));
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
}
