using Microsoft.CodeAnalysis;

namespace Braze.Generators.Tests.Checking;

/// <summary>
/// The tracking plan as a baseline (BRZ0013, BRZ0014) and names sent as two Braze types (BRZ0015): what the analyzer
/// reports against BrazeTrackingPlan.Shipped.txt / Unshipped.txt, where, and that nothing is judged without them.
/// </summary>
public class TrackingPlanTests
{
    private const string Usings = "using System; using System.Collections.Generic; using Braze;\n";

    private const string Shipped = "BrazeTrackingPlan.Shipped.txt";
    private const string Unshipped = "BrazeTrackingPlan.Unshipped.txt";

    private const string Rental = """
        [BrazeEvent("rented_movie")]
        public partial record RentedMovie(string Movie, decimal Price);
        """;

    private const string RentalPlan = """
        event rented_movie
        event rented_movie.properties.movie: string
        event rented_movie.properties.price: number
        """;

    private static Task<List<Diagnostic>> Analyze(string? shipped, string? unshipped, params string[] sources)
        => Analyze([.. Files(shipped, unshipped)], sources);

    private static async Task<List<Diagnostic>> Analyze((string, string)[] files, params string[] sources)
    {
        var diagnostics = await GeneratorHarness.AnalyzeAsync(files, [.. sources.Select(s => Usings + s)]);
        return [.. diagnostics.OrderBy(d => d.Id, StringComparer.Ordinal).ThenBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start)];
    }

    private static IEnumerable<(string, string)> Files(string? shipped, string? unshipped)
    {
        if (shipped is not null)
        {
            yield return ("/project/" + Shipped, shipped);
        }

        if (unshipped is not null)
        {
            yield return ("/project/" + Unshipped, unshipped);
        }
    }

    private static string Located(Diagnostic d) => d.Location.SourceTree is { } tree
        ? tree.GetText().ToString(d.Location.SourceSpan)
        : $"{Path.GetFileName(d.Location.GetLineSpan().Path)}:{d.Location.GetLineSpan().StartLinePosition.Line + 1}";

    private static string Message(Diagnostic d) => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_plan_that_lists_every_name_reports_nothing()
    {
        Assert.Empty(await Analyze(RentalPlan, "", Rental));
        Assert.Empty(await Analyze("", RentalPlan, Rental)); // unshipped entries count as well
        Assert.Empty(await Analyze(RentalPlan, null, Rental)); // one file is a plan
    }

    [Fact]
    public async Task Without_plan_files_nothing_is_judged_against_a_baseline()
    {
        var diagnostics = await Analyze([("/project/PublicAPI.Shipped.txt", "event other")], Rental, """
            [BrazeUserAttributes] public partial record Profile(string Plan);
            """);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task A_renamed_shipped_property_is_reported_on_its_shipped_line_and_the_new_name_at_the_member()
    {
        var diagnostics = await Analyze(RentalPlan, "", """
            [BrazeEvent("rented_movie")]
            public partial record RentedMovie(string Film, decimal Price);
            """);
        Assert.Collection(
            diagnostics,
            d =>
            {
                Assert.Equal("BRZ0013", d.Id);
                Assert.Equal(Shipped + ":2", Located(d));
                Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
                Assert.Equal(
                    "'event rented_movie.properties.movie: string' in BrazeTrackingPlan.Shipped.txt: the code no longer sends it (removed or renamed); "
                    + "if that is intended, add '*REMOVED*event rented_movie.properties.movie: string' to BrazeTrackingPlan.Unshipped.txt",
                    Message(d));
                Assert.EndsWith("docs/diagnostics/BRZ0013.md", d.Descriptor.HelpLinkUri, StringComparison.Ordinal);
            },
            d =>
            {
                Assert.Equal("BRZ0014", d.Id);
                Assert.Equal("Film", Located(d));
                Assert.Equal("'event rented_movie.properties.film: string' is not in the tracking plan", Message(d));
                Assert.Equal("event rented_movie.properties.film: string", d.Properties["BrazeTrackingPlanLine"]);
            });
    }

    [Fact]
    public async Task A_renamed_event_is_reported_for_its_name_and_every_property()
    {
        var diagnostics = await Analyze(RentalPlan, "", """
            [BrazeEvent("movie_rented")]
            public partial record RentedMovie(string Movie, decimal Price);
            """);
        Assert.Equal(["BRZ0013", "BRZ0013", "BRZ0013", "BRZ0014", "BRZ0014", "BRZ0014"], diagnostics.Select(d => d.Id));
        Assert.Equal("\"movie_rented\"", Located(diagnostics[3])); // the event name, at the marker's argument
        Assert.Equal("'event movie_rented' is not in the tracking plan", Message(diagnostics[3]));
    }

    [Fact]
    public async Task A_retyped_shipped_property_is_reported_with_its_new_type()
    {
        var diagnostics = await Analyze(RentalPlan, "", """
            [BrazeEvent("rented_movie")]
            public partial record RentedMovie(string Movie, string Price);
            """);
        Assert.Collection(
            diagnostics,
            d =>
            {
                Assert.Equal("BRZ0013", d.Id);
                Assert.Equal(Shipped + ":3", Located(d));
                Assert.StartsWith(
                    "'event rented_movie.properties.price: number' in BrazeTrackingPlan.Shipped.txt: the code now sends 'event rented_movie.properties.price: string'; ",
                    Message(d), StringComparison.Ordinal);
            },
            d =>
            {
                Assert.Equal("BRZ0014", d.Id);
                Assert.Equal("Price", Located(d));
                Assert.Equal(
                    "'event rented_movie.properties.price: string' is not in the tracking plan; the plan has 'event rented_movie.properties.price: number' (the type changed)",
                    Message(d));
            });
    }

    [Fact]
    public async Task A_removed_shipped_attribute_is_reported_until_Unshipped_records_its_removal()
    {
        const string plan = "attribute plan: string\nattribute points: number\n";
        const string profile = "[BrazeUserAttributes] public partial record Profile(int Points);";
        var d = Assert.Single(await Analyze(plan, "", profile));
        Assert.Equal("BRZ0013", d.Id);
        Assert.Equal(Shipped + ":1", Located(d));
        Assert.Contains("'attribute plan: string'", Message(d), StringComparison.Ordinal);

        Assert.Empty(await Analyze(plan, "*REMOVED*attribute plan: string\n", profile));
    }

    [Fact]
    public async Task A_retype_is_accepted_by_the_new_line_and_the_removal_of_the_old()
    {
        const string source = """
            [BrazeEvent("rented_movie")]
            public partial record RentedMovie(string Movie, string Price);
            """;
        var onlyNew = await Analyze(RentalPlan, "event rented_movie.properties.price: string", source);
        Assert.Equal("BRZ0013", Assert.Single(onlyNew).Id); // the shipped number is still unaccounted for
        Assert.Empty(await Analyze(RentalPlan, "*REMOVED*event rented_movie.properties.price: number\nevent rented_movie.properties.price: string\n", source));
    }

    [Fact]
    public async Task Lines_of_Unshipped_must_match_the_code_too()
    {
        var diagnostics = await Analyze(RentalPlan, """
            # Reviewed in PR 42.
            attribute gone: string
            *REMOVED*attribute never_shipped: string
            *REMOVED*event rented_movie.properties.movie: string

            event rented_movie.properties.price number
            event rented_movie: string
            """, Rental);
        Assert.All(diagnostics, d => Assert.Equal("BRZ0013", d.Id));
        Assert.Equal(
            [
                "'attribute gone: string' in BrazeTrackingPlan.Unshipped.txt: the code does not send it; remove the line",
                "'*REMOVED*attribute never_shipped: string' in BrazeTrackingPlan.Unshipped.txt: marked removed, but it is not in BrazeTrackingPlan.Shipped.txt; remove the line",
                "'*REMOVED*event rented_movie.properties.movie: string' in BrazeTrackingPlan.Unshipped.txt: marked removed, but the code still sends it; remove the line",
                "'event rented_movie.properties.price number' in BrazeTrackingPlan.Unshipped.txt: not a tracking plan line (a keyword, the name, and ': ' with a Braze type: see docs/tracking-plan.md)",
                "'event rented_movie: string' in BrazeTrackingPlan.Unshipped.txt: not a tracking plan line (a keyword, the name, and ': ' with a Braze type: see docs/tracking-plan.md)",
            ],
            diagnostics.Select(Message));
        Assert.Equal([Unshipped + ":2", Unshipped + ":3", Unshipped + ":4", Unshipped + ":6", Unshipped + ":7"], diagnostics.Select(Located));
    }

    [Fact]
    public async Task Every_kind_of_record_and_Braze_type_is_in_the_plan()
    {
        var diagnostics = await Analyze("", "", """
            public enum Size { Small, Large }
            [BrazeObject] public partial record Pet(string Name);
            [BrazeEvent("rented_movie")] public partial record RentedMovie(string Movie, int Rank, double Rating, bool Rewatch, DateOnly Day,
                DateTime At, Size Size, Guid Id, Uri Trailer, IReadOnlyList<string> Genres, Pet Lead, List<Pet> Cast, Dictionary<string, int> Scores);
            [BrazePurchase] public partial record Popcorn(Size Size, bool Butter);
            [BrazeUserAttributes] public partial record Profile(string FirstName, string Plan, DateOnly Dob, IReadOnlyList<Pet> Pets);
            [BrazeContext] public partial record Welcome(string CouponCode);
            [BrazeTriggerProperties] public partial record OrderTrigger(decimal Total);
            """);
        Assert.Equal(
            [
                "attribute pets: array of objects",
                "attribute plan: string",
                "context coupon_code: string",
                "event rented_movie",
                "event rented_movie.properties.at: time",
                "event rented_movie.properties.cast: array of objects",
                "event rented_movie.properties.day: time",
                "event rented_movie.properties.genres: array",
                "event rented_movie.properties.id: string",
                "event rented_movie.properties.lead: object",
                "event rented_movie.properties.movie: string",
                "event rented_movie.properties.rank: number",
                "event rented_movie.properties.rating: number",
                "event rented_movie.properties.rewatch: boolean",
                "event rented_movie.properties.scores: object",
                "event rented_movie.properties.size: string",
                "event rented_movie.properties.trailer: string",
                "purchase properties.butter: boolean",
                "purchase properties.size: string",
                "trigger total: number",
            ],
            diagnostics.Where(d => d.Id == "BRZ0014").Select(d => d.Properties["BrazeTrackingPlanLine"]!).Order(StringComparer.Ordinal));
        // Standard profile fields (first_name, dob) are Braze's, not the plan's; a [BrazeObject] is only its container's.
        Assert.DoesNotContain(diagnostics, d => d.Id == "BRZ0014" && d.GetMessage().Contains("first_name", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("rented: movie", "event \"rented: movie\"")]
    [InlineData("Rented Movie", "event Rented Movie")]
    [InlineData("a.properties.b", "event \"a.properties.b\"")]
    [InlineData("say \"hi\"", "event \"say \\\"hi\\\"\"")]
    public async Task Names_that_could_be_misread_are_quoted(string eventName, string line)
    {
        var source = $$"""[BrazeEvent({{Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(eventName, quote: true)}})] public partial record E(string A);""";
        Assert.Contains(line, (await Analyze("", "", source)).Select(d => d.Properties["BrazeTrackingPlanLine"]));
        Assert.Empty(await Analyze(line + "\n" + line + ".properties.a: string\n", "", source));
    }

    [Fact]
    public async Task A_member_with_an_error_is_not_judged_until_its_own_diagnostic_is_fixed()
    {
        var diagnostics = await Analyze("", "", """
            [BrazeEvent("rented_movie")] public partial record RentedMovie(string Movie, [property: BrazeProperty("$price")] decimal Price);
            [BrazeEvent("not_partial")] public record NotPartial(string A);
            """);
        Assert.Equal(["BRZ0001", "BRZ0003", "BRZ0014", "BRZ0014"], diagnostics.Select(d => d.Id).Order());
        Assert.Equal(["event rented_movie", "event rented_movie.properties.movie: string"], diagnostics.Where(d => d.Id == "BRZ0014").Select(d => d.Properties["BrazeTrackingPlanLine"]).Order());
    }

    [Fact]
    public async Task A_shipped_name_whose_member_has_an_error_is_not_reported_removed()
    {
        var diagnostics = await Analyze("event rented_movie\nevent rented_movie.properties.time: time\n", "", """
            [BrazeEvent("rented_movie")] public partial record RentedMovie(DateTimeOffset Time);
            """);
        Assert.Equal("BRZ0004", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public async Task The_plan_shown_in_the_docs_is_the_plan_of_the_records_shown_there()
    {
        var root = typeof(TrackingPlanTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        var page = File.ReadAllText(Path.Combine(root, "docs", "tracking-plan.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var code = System.Text.RegularExpressions.Regex.Match(page, "```csharp\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        var plan = System.Text.RegularExpressions.Regex.Match(page, "```text\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        var diagnostics = await Analyze("", "", code);
        Assert.Equal(plan.TrimEnd('\n').Split('\n'), diagnostics.Where(d => d.Id == "BRZ0014").Select(d => d.Properties["BrazeTrackingPlanLine"]!).Order(StringComparer.Ordinal));
        Assert.Empty(await Analyze(plan, "", code));
    }

    [Fact]
    public async Task A_name_sent_as_two_Braze_types_warns_at_each_member_without_any_plan_file()
    {
        var diagnostics = await Analyze(shipped: null, unshipped: null, """
            [BrazeEvent("rented_movie")] public partial record RentedMovie(decimal Price, int Rank);
            [BrazeEvent("bought_ticket")] public partial record BoughtTicket(string Price, long Rank);
            [BrazeUserAttributes] public partial record Profile(string Plan);
            [BrazeUserAttributes] public partial record Billing(int Plan);
            [BrazePurchase] public partial record Popcorn(string Size);
            [BrazeEvent("sized")] public partial record Sized(int Size);
            """);
        Assert.All(diagnostics, d => Assert.Equal("BRZ0015", d.Id));
        Assert.Equal(["Price", "Price", "Plan", "Plan"], diagnostics.Select(Located)); // int and long are both numbers; a purchase and an event do not share names
        Assert.Equal("Event property 'price' is sent as number here but as string in 'BoughtTicket'; Braze keeps one data type per name", Message(diagnostics[0]));
        Assert.Equal("Event property 'price' is sent as string here but as number in 'RentedMovie'; Braze keeps one data type per name", Message(diagnostics[1]));
        Assert.Equal("Custom attribute 'plan' is sent as string here but as number in 'Billing'; Braze keeps one data type per name", Message(diagnostics[2]));
        Assert.Equal(DiagnosticSeverity.Warning, diagnostics[0].Severity);
        Assert.EndsWith("docs/diagnostics/BRZ0015.md", diagnostics[0].Descriptor.HelpLinkUri, StringComparison.Ordinal);
    }
}
