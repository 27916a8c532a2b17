using Braze.CodeFixes.Fixes;

namespace Braze.Generators.Tests.CodeFixes;

/// <summary>BRZ0001: <c>partial</c> on the payload type and every containing type, trivia kept.</summary>
public class MakePartialFixTests
{
    private const string Usings = BrazeFixTest<MakePartialFix>.Usings;

    [Fact]
    public Task Adds_partial_after_the_modifiers()
        => BrazeFixTest<MakePartialFix>.RunAsync(
            Usings + """
            /// <summary>A rental.</summary>
            [BrazeEvent("rented_movie")]
            public sealed record {|BRZ0001:RentedMovie|}(string Movie);
            """,
            Usings + """
            /// <summary>A rental.</summary>
            [BrazeEvent("rented_movie")]
            public sealed partial record RentedMovie(string Movie);
            """,
            "MakePartialFix.BRZ0001");

    [Fact]
    public Task Without_modifiers_partial_takes_the_keyword_s_place_and_trivia()
        => BrazeFixTest<MakePartialFix>.RunAsync(
            Usings + """
            namespace Shop
            {
                [BrazePurchase]
                // kept
                record struct {|BRZ0001:Popcorn|}(string Size);
            }
            """,
            Usings + """
            namespace Shop
            {
                [BrazePurchase]
                // kept
                partial record struct Popcorn(string Size);
            }
            """);

    [Fact]
    public Task Containing_types_get_partial_once_in_Fix_All_over_documents()
        => new BrazeFixTest<MakePartialFix>
        {
            TestState =
            {
                Sources =
                {
                    Usings + """
                    public static class Events
                    {
                        [BrazeEvent("a")] public record {|BRZ0001:A|}(string X);
                        [BrazeEvent("b")] public record {|BRZ0001:B|}(string X);
                    }
                    """,
                    Usings + """
                    [BrazeObject] internal class {|BRZ0001:Pet|} { public string Name { get; init; } = ""; }
                    """,
                },
            },
            FixedState =
            {
                Sources =
                {
                    Usings + """
                    public static partial class Events
                    {
                        [BrazeEvent("a")] public partial record A(string X);
                        [BrazeEvent("b")] public partial record B(string X);
                    }
                    """,
                    Usings + """
                    [BrazeObject] internal partial class Pet { public string Name { get; init; } = ""; }
                    """,
                },
            },
        }.RunAsync();
}
