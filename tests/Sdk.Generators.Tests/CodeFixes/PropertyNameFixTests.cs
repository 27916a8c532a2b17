using Braze.CodeFixes.Fixes;

namespace Braze.Generators.Tests.CodeFixes;

/// <summary>
/// BRZ0003, BRZ0004, BRZ0005, BRZ0010: the member is sent under the name the analyzer planned, by editing the
/// <c>[BrazeProperty]</c> literal that gave the name or by adding one.
/// </summary>
public class PropertyNameFixTests
{
    private const string Usings = BrazeFixTest<PropertyNameFix>.Usings;

    [Fact]
    public Task BRZ0003_a_dollar_name_loses_its_dollar_in_the_literal()
        => BrazeFixTest<PropertyNameFix>.RunAsync(
            Usings + """
            [BrazeEvent("rented_movie")]
            public partial record RentedMovie([property: BrazeProperty({|BRZ0003:"$movie"|})] string Movie);
            """,
            Usings + """
            [BrazeEvent("rented_movie")]
            public partial record RentedMovie([property: BrazeProperty("movie")] string Movie);
            """,
            "PropertyNameFix.BRZ0003");

    [Fact]
    public Task BRZ0003_a_nested_key_gets_underscores_for_spaces_and_dots()
        => BrazeFixTest<PropertyNameFix>.RunAsync(
            Usings + """[BrazeObject] public partial record Pet([property: BrazeProperty({|BRZ0003:@"pet name.first"|})] string Name);""",
            Usings + """[BrazeObject] public partial record Pet([property: BrazeProperty("pet_name_first")] string Name);""");

    [Fact]
    public Task BRZ0004_a_reserved_policy_name_gets_an_attribute_on_the_record_parameter()
        => BrazeFixTest<PropertyNameFix>.RunAsync(
            Usings + """
            [BrazePurchase]
            public partial record Popcorn(
                string Size,
                // what the customer paid
                decimal {|BRZ0004:Price|});
            """,
            Usings + """
            [BrazePurchase]
            public partial record Popcorn(
                string Size,
                // what the customer paid
                [property: BrazeProperty("price_value")] decimal Price);
            """,
            "PropertyNameFix.BRZ0004");

    [Fact]
    public Task BRZ0004_a_property_gets_the_attribute_on_its_own_line_below_its_documentation()
        => BrazeFixTest<PropertyNameFix>.RunAsync(
            Usings + """
            [BrazeEvent("watched")]
            public partial record Watched
            {
                /// <summary>When it was watched.</summary>
                public DateTimeOffset {|BRZ0004:Time|} { get; init; }

                [Obsolete("old")]
                public string {|BRZ0004:EventName|} { get; init; } = "";
            }
            """,
            Usings + """
            [BrazeEvent("watched")]
            public partial record Watched
            {
                /// <summary>When it was watched.</summary>
                [BrazeProperty("time_value")]
                public DateTimeOffset Time { get; init; }

                [Obsolete("old")]
                [BrazeProperty("event_name_value")]
                public string EventName { get; init; } = "";
            }
            """);

    [Fact]
    public Task BRZ0005_the_later_member_gets_a_numbered_name()
        => BrazeFixTest<PropertyNameFix>.RunAsync(
            Usings + """[BrazeEvent("movie")] public partial record Movie(string MovieId, [property: BrazeProperty({|BRZ0005:"movie_id"|})] string Other);""",
            Usings + """[BrazeEvent("movie")] public partial record Movie(string MovieId, [property: BrazeProperty("movie_id_2")] string Other);""",
            "PropertyNameFix.BRZ0005");

    [Fact]
    public Task BRZ0010_a_standard_field_name_of_another_type_becomes_a_custom_attribute()
        => BrazeFixTest<PropertyNameFix>.RunAsync(
            Usings + """[BrazeUserAttributes] public partial record Profile(int {|BRZ0010:Country|}, string FirstName);""",
            Usings + """[BrazeUserAttributes] public partial record Profile([property: BrazeProperty("country_value")] int Country, string FirstName);""",
            "PropertyNameFix.BRZ0010");

    [Fact]
    public Task Fix_All_gives_every_member_its_own_name_in_every_document()
        => new BrazeFixTest<PropertyNameFix>
        {
            TestState =
            {
                Sources =
                {
                    Usings + """
                    [BrazeEvent("e")] public partial record Rental(
                        [property: BrazeProperty({|BRZ0003:"$a"|})] string A1,
                        [property: BrazeProperty({|BRZ0003:"$a"|})] string A2,
                        string A);
                    """,
                    Usings + """[BrazeEvent("f")] public partial record B([property: BrazeProperty({|BRZ0003:"$b"|})] string B1);""",
                },
                // The second "$a" is also a duplicate of the first: its BRZ0005 carries the same plan.
                ExpectedDiagnostics = { new Microsoft.CodeAnalysis.Testing.DiagnosticResult("BRZ0005", Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithSpan(7, 30, 7, 34) },
            },
            FixedState =
            {
                Sources =
                {
                    Usings + """
                    [BrazeEvent("e")] public partial record Rental(
                        [property: BrazeProperty("a_2")] string A1,
                        [property: BrazeProperty("a_3")] string A2,
                        string A);
                    """,
                    Usings + """[BrazeEvent("f")] public partial record B([property: BrazeProperty("b")] string B1);""",
                },
            },
        }.RunAsync();

    [Fact]
    public Task A_name_from_a_constant_has_no_fix()
        => BrazeFixTest<PropertyNameFix>.NoFixAsync(
            Usings + """
            static class Names { public const string Title = "$title"; }
            [BrazeEvent("e")] public partial record Movie([property: BrazeProperty({|BRZ0003:Names.Title|})] string Title);
            """);

    [Fact]
    public Task An_inherited_member_has_no_fix_on_the_type_that_inherits_it()
        => BrazeFixTest<PropertyNameFix>.NoFixAsync(
            Usings + """
            public record Base(DateTimeOffset Time);
            [BrazeEvent("e")] public partial record {|BRZ0004:Movie|}(DateTimeOffset Time, string Title) : Base(Time);
            """);
}
