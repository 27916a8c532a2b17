using System.Globalization;
using System.Text.Json;
using Braze.Generated;
using Braze.Rules;
using Braze.Wire;

namespace Braze;

/// <summary>
/// When an API-triggered Canvas or campaign is sent: at a UTC time, at a wall-clock time in each user's time zone
/// (<c>in_local_time</c>), or at each user's optimal time on a date (<c>at_optimal_time</c>). An update always sends a
/// whole <see cref="Schedule"/>, because Braze replaces the previous one completely.
/// </summary>
public sealed class Schedule : IEquatable<Schedule>
{
    private readonly DateTime _time; // UTC for Kind Utc, wall clock (Unspecified) otherwise

    private Schedule(DateTime time, bool inLocalTime, bool atOptimalTime)
    {
        _time = time;
        IsLocalTime = inLocalTime;
        IsOptimalTime = atOptimalTime;
    }

    /// <summary>Send at <paramref name="time"/> (converted to UTC).</summary>
    public static Schedule At(DateTimeOffset time) => new(time.UtcDateTime, false, false);

    /// <summary>
    /// Send at <paramref name="time"/>; with <paramref name="inLocalTime"/> its clock time (offset ignored) is used in
    /// each user's own time zone.
    /// </summary>
    public static Schedule At(DateTimeOffset time, bool inLocalTime)
        => inLocalTime ? AtLocalTime(time.DateTime) : At(time);

    /// <summary>Send at this wall-clock time in each user's time zone (<c>in_local_time: true</c>).</summary>
    public static Schedule AtLocalTime(DateTime wallClock) => new(DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified), true, false);

    /// <summary>Send on <paramref name="date"/> at each user's optimal time (<c>at_optimal_time: true</c>; the time of day is ignored).</summary>
    public static Schedule AtOptimalTime(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), false, true);

    /// <summary><c>in_local_time</c>.</summary>
    internal bool IsLocalTime { get; }

    /// <summary><c>at_optimal_time</c>.</summary>
    internal bool IsOptimalTime { get; }

    /// <summary>The <c>time</c> field as sent: <c>...Z</c> in UTC, or a wall-clock time without zone with either flag.</summary>
    internal string TimeText => IsLocalTime || IsOptimalTime
        ? _time.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture)
        : BrazeTime.Format(new DateTimeOffset(_time, TimeSpan.Zero));

    /// <summary>Writes the schedule object.</summary>
    internal void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("time", TimeText);
        writer.WriteBoolean("in_local_time", IsLocalTime);
        writer.WriteBoolean("at_optimal_time", IsOptimalTime);
        writer.WriteEndObject();
    }

    /// <summary>Checks the schedule at the context's path.</summary>
    internal void Validate(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        BrazeRules.ScheduleFlags(context, IsLocalTime, IsOptimalTime);
        context.Push("time");
        if (BrazeRules.Time(context, new DateTimeOffset(DateTime.SpecifyKind(_time, DateTimeKind.Utc), TimeSpan.Zero)))
        {
            ScheduleRules.Window(context, _time.Ticks, IsLocalTime, IsOptimalTime, DateTimeOffset.UtcNow);
        }

        context.Pop();
    }

    /// <inheritdoc />
    public bool Equals(Schedule? other) => other is not null && _time == other._time && IsLocalTime == other.IsLocalTime && IsOptimalTime == other.IsOptimalTime;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Schedule);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_time, IsLocalTime, IsOptimalTime);

    /// <inheritdoc />
    public override string ToString() => $"{TimeText}{(IsLocalTime ? " (local time)" : string.Empty)}{(IsOptimalTime ? " (optimal time)" : string.Empty)}";
}
