using Braze.CodeFixes.Fixes;

namespace Braze.Generators.Tests.CodeFixes;

/// <summary>BRZ0014: the new entry goes into BrazeTrackingPlan.Unshipped.txt, sorted, once; Fix All adds every one.</summary>
public class TrackingPlanFixTests
{
    private const string Usings = BrazeFixTest<TrackingPlanFix>.Usings;
    private const string Shipped = "BrazeTrackingPlan.Shipped.txt";
    private const string Unshipped = "BrazeTrackingPlan.Unshipped.txt";

    private static BrazeFixTest<TrackingPlanFix> Test(string source, string shipped, string unshipped, string fixedUnshipped)
    {
        var test = new BrazeFixTest<TrackingPlanFix>
        {
            TestCode = source,
            CodeActionEquivalenceKey = "TrackingPlanFix.BRZ0014",
        };
        test.TestState.AdditionalFiles.Add((Shipped, shipped));
        test.TestState.AdditionalFiles.Add((Unshipped, unshipped));
        test.FixedState.Sources.Add(RemoveMarkup(source));
        test.FixedState.AdditionalFiles.Add((Shipped, shipped));
        test.FixedState.AdditionalFiles.Add((Unshipped, fixedUnshipped));
        return test;
    }

    private static string RemoveMarkup(string source)
        => source.Replace("{|BRZ0014:", "", StringComparison.Ordinal).Replace("|}", "", StringComparison.Ordinal);

    [Fact]
    public Task Adds_a_new_property_where_it_sorts_among_the_entries()
        => Test(
            Usings + """
            [BrazeEvent("rented_movie")]
            public partial record RentedMovie(string Movie, decimal {|BRZ0014:Price|});

            [BrazeUserAttributes] public partial record Profile(string Plan);
            [BrazeTriggerProperties] public partial record Order(string OrderId);
            """,
            "event rented_movie\n",
            "# Reviewed by the data team.\nattribute plan: string\nevent rented_movie.properties.movie: string\ntrigger order_id: string\n",
            "# Reviewed by the data team.\nattribute plan: string\nevent rented_movie.properties.movie: string\nevent rented_movie.properties.price: number\ntrigger order_id: string\n")
            .RunAsync();

    [Fact]
    public Task Fix_All_adds_every_new_name_of_the_project_sorted_and_once()
        => Test(
            Usings + """
            [BrazeEvent({|BRZ0014:"rented_movie"|})]
            public partial record RentedMovie(string {|BRZ0014:Movie|}, decimal {|BRZ0014:Price|});

            [BrazePurchase] public partial record Popcorn(string {|BRZ0014:Size|});
            [BrazePurchase] public partial record Soda(string {|BRZ0014:Size|});
            [BrazeUserAttributes] public partial record Profile(string {|BRZ0014:Plan|});
            """,
            "",
            "",
            "attribute plan: string\nevent rented_movie\nevent rented_movie.properties.movie: string\nevent rented_movie.properties.price: number\npurchase properties.size: string\n")
            .RunAsync();

    [Fact]
    public Task A_retyped_name_gets_its_new_line_and_the_file_keeps_its_line_breaks()
    {
        var test = Test(
            Usings + """
            [BrazeEvent("rented_movie")]
            public partial record RentedMovie(string {|BRZ0014:Price|});
            """,
            "event rented_movie\r\nevent rented_movie.properties.price: number\r\n",
            "*REMOVED*event rented_movie.properties.price: number\r\n",
            "*REMOVED*event rented_movie.properties.price: number\r\nevent rented_movie.properties.price: string\r\n");
        return test.RunAsync();
    }

    [Fact]
    public Task The_fix_adds_to_an_empty_Unshipped_file()
        => Test(
            Usings + """
            [BrazeContext] public partial record Welcome(string {|BRZ0014:CouponCode|});
            """,
            "",
            "",
            "context coupon_code: string\n")
            .RunAsync();

    [Fact]
    public Task No_fix_without_an_Unshipped_file()
    {
        var source = Usings + """
            [BrazeContext] public partial record Welcome(string {|BRZ0014:CouponCode|});
            """;
        var test = new BrazeFixTest<TrackingPlanFix> { TestCode = source, FixedCode = source };
        test.TestState.AdditionalFiles.Add((Shipped, ""));
        test.FixedState.AdditionalFiles.Add((Shipped, ""));
        return test.RunAsync();
    }
}
