using Braze.CodeFixes.Fixes;

namespace Braze.Generators.Tests.CodeFixes;

/// <summary>
/// BRZ0008: the collection of times stays on the record, ignored, and a computed property sends every time as an
/// ISO 8601 string under the member's wire name; usings and a record body are added once per document.
/// </summary>
public class TimesAsTextFixTests
{
    private const string Usings = BrazeFixTest<TimesAsTextFix>.Usings;

    [Fact]
    public Task A_positional_record_gets_a_body_and_the_usings_it_needs()
        => BrazeFixTest<TimesAsTextFix>.RunAsync(
            Usings + """
            [BrazeEvent("movie")]
            public partial record Movie(string Title, IReadOnlyList<DateTimeOffset> {|BRZ0008:Showings|});
            """,
            """
            using System;
            using System.Collections.Generic;
            using System.Globalization;
            using System.Linq;
            using Braze;

            [BrazeEvent("movie")]
            public partial record Movie(string Title, [property: BrazeIgnore] IReadOnlyList<DateTimeOffset> Showings)
            {
                /// <summary>The times of <see cref="Showings"/> as ISO 8601 strings, since Braze takes no times inside an array.</summary>
                [BrazeProperty("showings")]
                public IReadOnlyList<string> ShowingsAsText => Showings.Select(t => t.ToString("O", CultureInfo.InvariantCulture)).ToList();
            }
            """,
            "TimesAsTextFix.BRZ0008");

    [Fact]
    public Task A_property_gets_its_text_twin_below_it_and_a_nullable_collection_stays_nullable()
        => BrazeFixTest<TimesAsTextFix>.RunAsync(
            "using System.Globalization;\nusing System.Linq;\n" + Usings + """
            namespace Cinema;

            [BrazeObject]
            public partial record Screening
            {
                [BrazeProperty("days")]
                public DateOnly[]? {|BRZ0008:Days|} { get; init; }

                public string Room { get; init; } = "";
            }
            """,
            "using System.Globalization;\nusing System.Linq;\n" + Usings + """
            namespace Cinema;

            [BrazeObject]
            public partial record Screening
            {
                [BrazeProperty("days")]
                [BrazeIgnore]
                public DateOnly[]? Days { get; init; }

                /// <summary>The times of <see cref="Days"/> as ISO 8601 strings, since Braze takes no times inside an array.</summary>
                [BrazeProperty("days")]
                public IReadOnlyList<string>? DaysAsText => Days?.Select(t => t.ToString("O", CultureInfo.InvariantCulture)).ToList();

                public string Room { get; init; } = "";
            }
            """);

    [Fact]
    public Task Fix_All_puts_every_property_in_one_body_and_adds_each_using_once()
        => new BrazeFixTest<TimesAsTextFix>
        {
            TestState =
            {
                Sources =
                {
                    "using Braze;\n\n" + """
                    [BrazeEvent("movie")]
                    public partial record Movie(System.Collections.Generic.List<System.DateTime> {|BRZ0008:Showings|}, System.DateOnly[] {|BRZ0008:Premieres|}, string ShowingsAsText);
                    """,
                    // A global using elsewhere in the project brings System.Linq: only System.Globalization is added.
                    "global using System.Linq;\n",
                },
            },
            FixedState =
            {
                Sources =
                {
                    "using System.Globalization;\nusing Braze;\n\n" + """
                    [BrazeEvent("movie")]
                    public partial record Movie([property: BrazeIgnore] System.Collections.Generic.List<System.DateTime> Showings, [property: BrazeIgnore] System.DateOnly[] Premieres, string ShowingsAsText)
                    {
                        /// <summary>The times of <see cref="Showings"/> as ISO 8601 strings, since Braze takes no times inside an array.</summary>
                        [BrazeProperty("showings")]
                        public System.Collections.Generic.IReadOnlyList<string> ShowingsAsText2 => Showings.Select(t => t.ToString("O", CultureInfo.InvariantCulture)).ToList();

                        /// <summary>The times of <see cref="Premieres"/> as ISO 8601 strings, since Braze takes no times inside an array.</summary>
                        [BrazeProperty("premieres")]
                        public System.Collections.Generic.IReadOnlyList<string> PremieresAsText => Premieres.Select(t => t.ToString("O", CultureInfo.InvariantCulture)).ToList();
                    }
                    """,
                    "global using System.Linq;\n",
                },
            },
        }.RunAsync();

    [Fact]
    public Task A_record_with_a_body_gets_the_property_at_its_end()
        => BrazeFixTest<TimesAsTextFix>.RunAsync(
            "using System.Globalization;\nusing System.Linq;\n" + Usings + """
            [BrazeEvent("movie")]
            public partial record Movie(DateTimeOffset[] {|BRZ0008:Showings|})
            {
                public int Count => Showings.Length;
            }
            """,
            "using System.Globalization;\nusing System.Linq;\n" + Usings + """
            [BrazeEvent("movie")]
            public partial record Movie([property: BrazeIgnore] DateTimeOffset[] Showings)
            {
                public int Count => Showings.Length;

                /// <summary>The times of <see cref="Showings"/> as ISO 8601 strings, since Braze takes no times inside an array.</summary>
                [BrazeProperty("showings")]
                public IReadOnlyList<string> ShowingsAsText => Showings.Select(t => t.ToString("O", CultureInfo.InvariantCulture)).ToList();
            }
            """);
}
