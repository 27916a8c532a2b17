using Braze.CodeFixes.Fixes;

namespace Braze.Generators.Tests.CodeFixes;

/// <summary>BRZ0009: <c>DateTime</c> becomes <c>DateTimeOffset</c>, nullable kept; an alias has no fix.</summary>
public class DateTimeOffsetFixTests
{
    private const string Usings = BrazeFixTest<DateTimeOffsetFix>.Usings;

    [Fact]
    public Task DateTime_and_nullable_DateTime_become_DateTimeOffset()
        => BrazeFixTest<DateTimeOffsetFix>.RunAsync(
            Usings + """
            [BrazeEvent("movie")]
            public partial record Movie(DateTime {|BRZ0009:ReleasedAt|}, DateTime? {|BRZ0009:WatchedAt|})
            {
                public Nullable<DateTime> {|BRZ0009:RatedAt|} { get; init; }
            }
            """,
            Usings + """
            [BrazeEvent("movie")]
            public partial record Movie(DateTimeOffset ReleasedAt, DateTimeOffset? WatchedAt)
            {
                public Nullable<DateTimeOffset> RatedAt { get; init; }
            }
            """,
            "DateTimeOffsetFix.BRZ0009");

    [Fact]
    public Task A_qualified_name_stays_qualified_without_using_System()
        => BrazeFixTest<DateTimeOffsetFix>.RunAsync(
            """[Braze.BrazeEvent("movie")] public partial record Movie(System.DateTime {|BRZ0009:ReleasedAt|});""",
            """[Braze.BrazeEvent("movie")] public partial record Movie(System.DateTimeOffset ReleasedAt);""");

    [Fact]
    public Task An_alias_has_no_fix()
        => BrazeFixTest<DateTimeOffsetFix>.NoFixAsync(
            "using When = System.DateTime;\n" + Usings + """[BrazeEvent("movie")] public partial record Movie(When {|BRZ0009:ReleasedAt|});""");
}
