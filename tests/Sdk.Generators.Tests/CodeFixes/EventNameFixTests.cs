using Braze.CodeFixes.Fixes;

namespace Braze.Generators.Tests.CodeFixes;

/// <summary>BRZ0002: an empty event name becomes the type's name under the policy, a long one is cut; a constant is left alone.</summary>
public class EventNameFixTests
{
    private const string Usings = BrazeFixTest<EventNameFix>.Usings;

    [Fact]
    public Task An_empty_name_becomes_the_type_name()
        => BrazeFixTest<EventNameFix>.RunAsync(
            Usings + """[BrazeEvent({|BRZ0002:""|})] public partial record RentedMovie(string Movie);""",
            Usings + """[BrazeEvent("rented_movie")] public partial record RentedMovie(string Movie);""",
            "EventNameFix.BRZ0002");

    [Fact]
    public Task An_empty_name_follows_the_naming_policy()
        => BrazeFixTest<EventNameFix>.RunAsync(
            Usings + """[BrazeEvent({|BRZ0002:""|}, NamingPolicy = BrazeNamingPolicy.CamelCase)] public partial record RentedMovie(string Movie);""",
            Usings + """[BrazeEvent("rentedMovie", NamingPolicy = BrazeNamingPolicy.CamelCase)] public partial record RentedMovie(string Movie);""");

    [Fact]
    public Task A_long_name_is_cut_to_255_characters()
        => BrazeFixTest<EventNameFix>.RunAsync(
            Usings + $$"""[BrazeEvent({|BRZ0002:"{{new string('e', 300)}}"|})] public partial record Movie(string Title);""",
            Usings + $$"""[BrazeEvent("{{new string('e', 255)}}")] public partial record Movie(string Title);""");

    [Fact]
    public Task A_name_from_a_constant_has_no_fix()
        => BrazeFixTest<EventNameFix>.NoFixAsync(
            Usings + """
            static class Names { public const string Rented = ""; }
            [BrazeEvent({|BRZ0002:Names.Rented|})] public partial record Movie(string Title);
            """);
}
