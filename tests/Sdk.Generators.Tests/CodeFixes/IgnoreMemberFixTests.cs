using Braze.CodeFixes.Fixes;

namespace Braze.Generators.Tests.CodeFixes;

/// <summary>BRZ0007 and BRZ0011: the member stays on the record, marked <c>[BrazeIgnore]</c>.</summary>
public class IgnoreMemberFixTests
{
    private const string Usings = BrazeFixTest<IgnoreMemberFix>.Usings;

    [Fact]
    public Task BRZ0007_an_unsupported_parameter_is_ignored()
        => BrazeFixTest<IgnoreMemberFix>.RunAsync(
            Usings + """[BrazeEvent("movie")] public partial record Movie(System.IO.Stream {|BRZ0007:Poster|}, Uri PosterUrl);""",
            Usings + """[BrazeEvent("movie")] public partial record Movie([property: BrazeIgnore] System.IO.Stream Poster, Uri PosterUrl);""",
            "IgnoreMemberFix.BRZ0007");

    [Fact]
    public Task BRZ0011_an_identifier_property_is_ignored_on_its_own_line()
        => BrazeFixTest<IgnoreMemberFix>.RunAsync(
            Usings + """
            [BrazeUserAttributes]
            public partial record Profile
            {
                public string {|BRZ0011:ExternalId|} { get; init; } = "";
                public int Points { get; init; }
            }
            """,
            Usings + """
            [BrazeUserAttributes]
            public partial record Profile
            {
                [BrazeIgnore]
                public string ExternalId { get; init; } = "";
                public int Points { get; init; }
            }
            """,
            "IgnoreMemberFix.BRZ0011");

    [Fact]
    public Task BRZ0011_a_name_from_an_attribute_gets_the_ignore_after_it()
        => BrazeFixTest<IgnoreMemberFix>.RunAsync(
            Usings + """[BrazeUserAttributes] public partial record Profile([property: BrazeProperty({|BRZ0011:"push_tokens"|})] string Tokens, int Points);""",
            Usings + """[BrazeUserAttributes] public partial record Profile([property: BrazeProperty("push_tokens")] [property: BrazeIgnore] string Tokens, int Points);""");

    [Fact]
    public Task Fix_All_ignores_every_member()
        => BrazeFixTest<IgnoreMemberFix>.RunAsync(
            Usings + """[BrazeUserAttributes] public partial record Profile(string {|BRZ0011:ExternalId|}, string {|BRZ0011:BrazeId|}, int Points);""",
            Usings + """[BrazeUserAttributes] public partial record Profile([property: BrazeIgnore] string ExternalId, [property: BrazeIgnore] string BrazeId, int Points);""");

    [Fact]
    public Task Without_using_Braze_the_attribute_is_qualified()
        => BrazeFixTest<IgnoreMemberFix>.RunAsync(
            """[Braze.BrazeEvent("movie")] public partial record Movie(System.IO.Stream {|BRZ0007:Poster|});""",
            """[Braze.BrazeEvent("movie")] public partial record Movie([property: Braze.BrazeIgnore] System.IO.Stream Poster);""");
}
