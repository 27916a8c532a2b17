namespace Braze.Tests;

/// <summary>
/// Dates a few days ahead of the day the tests run: schedules must be in Braze's window (at most 90 days ahead, and an
/// in_local_time one not yet past everywhere), so a fixed year would fail once it is too far or has passed.
/// </summary>
internal static class SoonDates
{
    /// <summary>Midnight UTC, <paramref name="days"/> days from today.</summary>
    public static DateTime Day(int days) => DateTime.UtcNow.Date.AddDays(days);

    /// <summary>A wall-clock time (kind Unspecified) on the day <paramref name="days"/> days ahead.</summary>
    public static DateTime WallClock(int days, int hour, int minute = 0) => DateTime.SpecifyKind(Day(days).AddHours(hour).AddMinutes(minute), DateTimeKind.Unspecified);

    /// <summary>A time on the day <paramref name="days"/> days ahead, at the given offset.</summary>
    public static DateTimeOffset At(int days, int hour, int minute = 0, int offsetHours = 0)
        => new(WallClock(days, hour, minute), TimeSpan.FromHours(offsetHours));

    /// <summary>The date <paramref name="days"/> days ahead.</summary>
    public static DateOnly Date(int days) => DateOnly.FromDateTime(Day(days));
}
