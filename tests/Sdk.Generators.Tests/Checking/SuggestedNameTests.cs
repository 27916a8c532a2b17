using Microsoft.CodeAnalysis;

namespace Braze.Generators.Tests.Checking;

/// <summary>
/// Where a diagnostic on a name points, and the valid name the analyzer plans for the code fix (the property
/// <c>BrazeSuggestedName</c>): deterministic, valid for the use, and distinct within the type.
/// </summary>
public class SuggestedNameTests
{
    private const string Key = "BrazeSuggestedName";

    private static async Task<List<Diagnostic>> Analyze(string source, string id)
        => [.. (await GeneratorHarness.AnalyzeAsync("using System; using System.Collections.Generic; using Braze;\n" + source)).Where(d => d.Id == id).OrderBy(d => d.Location.SourceSpan.Start)];

    private static string Located(Diagnostic d) => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan);

    private static string? Suggested(Diagnostic d) => d.Properties.TryGetValue(Key, out var name) ? name : null;

    [Fact]
    public async Task A_name_from_an_attribute_points_at_its_argument_and_a_policy_name_at_the_member()
    {
        var d = await Analyze("""
            [BrazeEvent("e")] public partial record Movie
            {
                [BrazeProperty("$title")] public string Title { get; init; } = "";
                public DateTimeOffset Time { get; init; }
            }
            """, "BRZ0003");
        Assert.Equal("\"$title\"", Located(Assert.Single(d)));
        var reserved = Assert.Single(await Analyze("""[BrazeEvent("e")] public partial record Movie(DateTimeOffset Time);""", "BRZ0004"));
        Assert.Equal("Time", Located(reserved));
        var constant = Assert.Single(await Analyze("""
            static class Names { public const string Title = "$title"; }
            [BrazeEvent("e")] public partial record Movie([property: BrazeProperty(Names.Title)] string Title);
            """, "BRZ0003"));
        Assert.Equal("Names.Title", Located(constant));
    }

    [Fact]
    public async Task An_inherited_member_is_reported_on_the_type_without_a_suggestion()
    {
        var d = Assert.Single(await Analyze("""
            public record Base([property: BrazeProperty("$id")] string Id);
            [BrazeEvent("e")] public partial record Movie(string Id, string Title) : Base(Id);
            """, "BRZ0003"));
        Assert.Equal("Movie", Located(d));
        Assert.Null(Suggested(d));
    }

    [Theory]
    [InlineData("""[BrazeEvent("e")] public partial record R([property: BrazeProperty("$title")] string Title);""", "BRZ0003", "title")]
    [InlineData("""[BrazeEvent("e")] public partial record R([property: BrazeProperty("$$")] string MovieTitle);""", "BRZ0003", "movie_title")]
    [InlineData("""[BrazeEvent("e")] public partial record R([property: BrazeProperty("")] string MovieTitle);""", "BRZ0003", "movie_title")]
    [InlineData("""[BrazeObject] public partial record R([property: BrazeProperty("pet name.first$")] string Name);""", "BRZ0003", "pet_name_first_")]
    [InlineData("""[BrazeEvent("e")] public partial record R(DateTimeOffset Time);""", "BRZ0004", "time_value")]
    [InlineData("""[BrazeEvent("e", NamingPolicy = BrazeNamingPolicy.CamelCase)] public partial record R(DateTimeOffset Time);""", "BRZ0004", "timeValue")]
    [InlineData("""[BrazePurchase] public partial record R(decimal Price, string PriceValue);""", "BRZ0004", "price_value_2")]
    [InlineData("""[BrazeEvent("e")] public partial record R(string MovieId, [property: BrazeProperty("movie_id")] string Other);""", "BRZ0005", "movie_id_2")]
    [InlineData("""[BrazeEvent("e", NamingPolicy = BrazeNamingPolicy.CamelCase)] public partial record R(string MovieId, [property: BrazeProperty("movieId")] string Other);""", "BRZ0005", "movieId2")]
    [InlineData("""[BrazeUserAttributes] public partial record R(int Country);""", "BRZ0010", "country_value")]
    [InlineData("""[BrazeUserAttributes] public partial record R([property: BrazeProperty("$email")] int Mail);""", "BRZ0003", "email_value")]
    public async Task The_planned_name_follows_the_documented_steps(string source, string id, string expected)
    {
        var d = Assert.Single(await Analyze(source, id));
        Assert.Equal(expected, Suggested(d));
    }

    [Fact]
    public async Task An_over_long_name_is_cut_to_255_code_points_without_splitting_a_pair()
    {
        var name = "$" + string.Concat(Enumerable.Repeat("\U0001F600", 300));
        var d = Assert.Single(await Analyze($$"""[BrazeEvent("e")] public partial record R([property: BrazeProperty("{{name}}")] string Face);""", "BRZ0003"));
        Assert.Equal(string.Concat(Enumerable.Repeat("\U0001F600", 255)), Suggested(d));
    }

    [Fact]
    public async Task Planned_names_of_one_type_are_distinct_from_each_other_and_from_the_other_members()
    {
        var d = await Analyze("""
            [BrazeEvent("e")] public partial record R(
                [property: BrazeProperty("$a")] string A1,
                [property: BrazeProperty("$a")] string A2,
                string A,
                [property: BrazeProperty("a_2")] string Taken);
            """, "BRZ0003");
        Assert.Equal(["a_3", "a_4"], d.Select(Suggested));
        var duplicate = Assert.Single(await Analyze("""
            [BrazeEvent("e")] public partial record R([property: BrazeProperty("$a")] string A1, [property: BrazeProperty("$a")] string A2, string A);
            """, "BRZ0005"));
        Assert.Equal("a_3", Suggested(duplicate)); // the plan is the member's, whichever of its diagnostics is fixed
    }

    [Theory]
    [InlineData("\"\"", "rented_movie")]
    [InlineData("256", null)]
    public async Task BRZ0002_plans_the_type_name_for_an_empty_event_name_and_cuts_a_long_one(string name, string? expected)
    {
        var literal = name == "256" ? "\"" + new string('e', 256) + "\"" : name;
        var d = Assert.Single(await Analyze($$"""[BrazeEvent({{literal}})] public partial record RentedMovie(string Title);""", "BRZ0002"));
        Assert.Equal(expected ?? new string('e', 255), Suggested(d));
    }
}
