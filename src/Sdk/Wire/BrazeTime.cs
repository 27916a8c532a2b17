using System.Globalization;
using System.Text.Json;
using Braze.Shared;

namespace Braze.Wire;

/// <summary>
/// Braze's time rules in one place: every time leaves the SDK as ISO 8601 in UTC with milliseconds
/// (<c>2013-07-16T18:20:30.000Z</c>); dates as <c>yyyy-MM-dd</c>. Strings are parsed from every format Braze
/// documents (see <see cref="TryParse(ReadOnlySpan{char}, out DateTimeOffset)"/>).
/// </summary>
internal static class BrazeTime
{
    /// <summary>Length of a formatted time: <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    public const int FormattedLength = 24;

    /// <summary>Length of a formatted date: <c>yyyy-MM-dd</c>.</summary>
    public const int FormattedDateLength = 10;

    /// <summary>Latest year Braze stores as a time (later years are kept as strings or dropped).</summary>
    public const int MaxYear = BrazeLimits.MaxYear;

    private static readonly string[] s_days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] s_months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Converts to UTC.</summary>
    public static DateTimeOffset ToUtc(DateTimeOffset value) => value.ToUniversalTime();

    /// <summary>
    /// Converts a <see cref="DateTime"/> to UTC: kinds Utc and Local convert; Unspecified converts only when
    /// <paramref name="assumeUtcForUnspecified"/> is true, otherwise the method returns false.
    /// </summary>
    public static bool TryToUtc(DateTime value, bool assumeUtcForUnspecified, out DateTimeOffset utc)
    {
        switch (value.Kind)
        {
            case DateTimeKind.Utc:
                utc = new DateTimeOffset(value, TimeSpan.Zero);
                return true;
            case DateTimeKind.Local:
                utc = new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero);
                return true;
            default:
                if (assumeUtcForUnspecified)
                {
                    utc = new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);
                    return true;
                }

                utc = default;
                return false;
        }
    }

    /// <summary>A date as a time: midnight UTC.</summary>
    public static DateTimeOffset ToUtc(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>True when the year is one Braze stores as a time (0..3000).</summary>
    public static bool IsYearInRange(int year) => year is >= 0 and <= MaxYear;

    /// <summary>Formats as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> after converting to UTC.</summary>
    public static string Format(DateTimeOffset value)
    {
        Span<char> buffer = stackalloc char[FormattedLength];
        TryFormat(value, buffer, out _);
        return new string(buffer);
    }

    /// <summary>Formats as <c>yyyy-MM-dd</c>.</summary>
    public static string Format(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Formats as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> (UTC) into UTF-16 without allocating.</summary>
    public static bool TryFormat(DateTimeOffset value, Span<char> destination, out int written)
    {
        if (destination.Length < FormattedLength)
        {
            written = 0;
            return false;
        }

        Span<byte> utf8 = stackalloc byte[FormattedLength];
        FormatUtc(value.UtcDateTime, utf8);
        for (var i = 0; i < FormattedLength; i++)
        {
            destination[i] = (char)utf8[i];
        }

        written = FormattedLength;
        return true;
    }

    /// <summary>Formats as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> (UTC) into UTF-8 without allocating.</summary>
    public static bool TryFormat(DateTimeOffset value, Span<byte> utf8Destination, out int written)
    {
        if (utf8Destination.Length < FormattedLength)
        {
            written = 0;
            return false;
        }

        FormatUtc(value.UtcDateTime, utf8Destination);
        written = FormattedLength;
        return true;
    }

    /// <summary>
    /// The fixed-width form by hand: the same text as the custom format string
    /// <c>yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'</c> (milliseconds truncated, year zero-padded to four digits), which
    /// the runtime interprets character by character and which cost half of serializing a typical event.
    /// </summary>
    private static void FormatUtc(DateTime utc, Span<byte> d)
    {
        utc.Deconstruct(out int year, out int month, out int day);
        var timeOfDay = utc.Ticks % TimeSpan.TicksPerDay;
        var seconds = (int)(timeOfDay / TimeSpan.TicksPerSecond);
        var milliseconds = (int)(timeOfDay / TimeSpan.TicksPerMillisecond % 1000);
        FormatDate(year, month, day, d);
        d[10] = (byte)'T';
        Digits(d, 11, seconds / 3600);
        d[13] = (byte)':';
        Digits(d, 14, seconds / 60 % 60);
        d[16] = (byte)':';
        Digits(d, 17, seconds % 60);
        d[19] = (byte)'.';
        d[20] = (byte)('0' + (milliseconds / 100));
        Digits(d, 21, milliseconds % 100);
        d[23] = (byte)'Z';
    }

    /// <summary><c>yyyy-MM-dd</c> into the first ten bytes of <paramref name="d"/>.</summary>
    private static void FormatDate(int year, int month, int day, Span<byte> d)
    {
        Digits(d, 0, year / 100);
        Digits(d, 2, year % 100);
        d[4] = (byte)'-';
        Digits(d, 5, month);
        d[7] = (byte)'-';
        Digits(d, 8, day);
    }

    private static void Digits(Span<byte> d, int at, int value)
    {
        d[at] = (byte)('0' + (value / 10));
        d[at + 1] = (byte)('0' + (value % 10));
    }

    /// <summary>Writes the time as a JSON string value in Braze's format, without allocating.</summary>
    public static void WriteValue(Utf8JsonWriter writer, DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> buffer = stackalloc byte[FormattedLength];
        TryFormat(value, buffer, out var written);
        writer.WriteStringValue(buffer[..written]);
    }

    /// <summary>Writes the date as a JSON string value <c>yyyy-MM-dd</c>, without allocating.</summary>
    public static void WriteValue(Utf8JsonWriter writer, DateOnly value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> buffer = stackalloc byte[FormattedDateLength];
        value.Deconstruct(out var year, out var month, out var day);
        FormatDate(year, month, day, buffer);
        writer.WriteStringValue(buffer);
    }

    /// <summary>Parses a time string in any format Braze accepts; see the overload on spans.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        if (text is null)
        {
            value = default;
            return false;
        }

        return TryParse(text.AsSpan(), out value);
    }

    /// <summary>
    /// Parses a time string in any format Braze accepts and returns it as UTC:
    /// ISO 8601 (<c>2013-07-16T19:20:30+01:00</c>, <c>...Z</c>, fractions, <c>+0100</c>, <c>+01</c>, or no zone),
    /// <c>yyyy-MM-dd'T'HH:mm:ss:SSSZ</c> (colon before milliseconds), <c>yyyy-MM-dd HH:mm:ss</c>, <c>yyyy-MM-dd</c>,
    /// <c>MM/dd/yyyy</c> and <c>ddd MMM dd HH:mm:ss TZD yyyy</c> (also with numeric month and <c>.TZD</c>).
    /// A value without a zone is taken as UTC (Braze's rule); dates are midnight UTC. Surrounding spaces make the
    /// text a string, not a time. Returns false for anything else, and for year 0 (which
    /// <see cref="DateTimeOffset"/> cannot hold; <see cref="TryParseTicks"/> can), without throwing.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        if (TryParseTicks(text, BrazeTimeFormats.Any, out var ticks) && ticks >= 0)
        {
            value = new DateTimeOffset(ticks, TimeSpan.Zero);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Parses a time string in the given formats into UTC ticks counted from 0001-01-01 (negative for year 0, which
    /// Braze accepts and <see cref="DateTime"/> cannot hold). The year of the result is <see cref="YearOf"/>.
    /// </summary>
    public static bool TryParseTicks(ReadOnlySpan<char> text, BrazeTimeFormats formats, out long utcTicks)
    {
        utcTicks = 0;
        if (text.Length < 10 || text.Length > 64)
        {
            return false;
        }

        if (IsDigit(text[0]) && IsDigit(text[1]) && text[2] == '/')
        {
            return (formats & BrazeTimeFormats.Extended) != 0 && TryParseUsDate(text, out utcTicks);
        }

        if (char.IsAsciiLetter(text[0]))
        {
            return (formats & BrazeTimeFormats.Extended) != 0 && TryParseLong(text, out utcTicks);
        }

        return TryParseIsoLike(text, formats, out utcTicks);
    }

    /// <summary>The UTC year of ticks from <see cref="TryParseTicks"/> (0 for year 0, negative before it).</summary>
    public static int YearOf(long utcTicks)
        => utcTicks >= 0 ? new DateTime(utcTicks).Year : new DateTime(utcTicks + TicksPer400Years).Year - 400;

    /// <summary>Formats ticks from <see cref="TryParseTicks"/> as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, year 0 included.</summary>
    public static string Format(long utcTicks)
    {
        Span<byte> utf8 = stackalloc byte[FormattedLength];
        FormatTicks(utcTicks, utf8);
        return System.Text.Encoding.ASCII.GetString(utf8);
    }

    /// <summary>Writes ticks from <see cref="TryParseTicks"/> as a JSON string value in Braze's format, year 0 included.</summary>
    public static void WriteValue(Utf8JsonWriter writer, long utcTicks)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> utf8 = stackalloc byte[FormattedLength];
        FormatTicks(utcTicks, utf8);
        writer.WriteStringValue(utf8);
    }

    /// <summary>Four hundred Gregorian years: the calendar repeats exactly, so year 0 is formatted as year 400.</summary>
    private const long TicksPer400Years = 146_097 * TimeSpan.TicksPerDay;

    private static void FormatTicks(long utcTicks, Span<byte> utf8)
    {
        if (utcTicks >= 0)
        {
            FormatUtc(new DateTime(utcTicks), utf8);
            return;
        }

        // Year 0 (the only year before 1 a parse accepts): format as year 400 and set the year digits.
        FormatUtc(new DateTime(utcTicks + TicksPer400Years), utf8);
        var year = YearOf(utcTicks);
        Digits(utf8, 0, Math.Max(year, 0) / 100);
        Digits(utf8, 2, Math.Max(year, 0) % 100);
    }

    /// <summary>Ticks of a wall-clock time; year 0 (a leap year, like 400) counts back from 0001-01-01.</summary>
    private static bool TryLocalTicks(int year, int month, int day, int hour, int minute, int second, out long ticks)
    {
        ticks = 0;
        if (year is < 0 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year == 0 ? 400 : year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        ticks = year == 0
            ? new DateTime(400, month, day, hour, minute, second).Ticks - TicksPer400Years
            : new DateTime(year, month, day, hour, minute, second).Ticks;
        return true;
    }

    /// <summary>Parses a <c>yyyy-MM-dd</c> date.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-')
        {
            return false;
        }

        if (!TryDigits(text[..4], out var y) || !TryDigits(text.Slice(5, 2), out var m) || !TryDigits(text.Slice(8, 2), out var d))
        {
            return false;
        }

        if (y < 1 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m))
        {
            return false;
        }

        date = new DateOnly(y, m, d);
        return true;
    }

    // yyyy-MM-dd, then 'T' (or a space: Extended) and HH:mm[:ss[.fff | :SSS (ColonMilliseconds)]] and a zone.
    private static bool TryParseIsoLike(ReadOnlySpan<char> s, BrazeTimeFormats formats, out long utcTicks)
    {
        utcTicks = 0;
        if (s.Length < 10 || s[4] != '-' || s[7] != '-'
            || !TryDigits(s[..4], out var year) || !TryDigits(s.Slice(5, 2), out var month) || !TryDigits(s.Slice(8, 2), out var day))
        {
            return false;
        }

        if (s.Length == 10)
        {
            return TryLocalTicks(year, month, day, 0, 0, 0, out utcTicks);
        }

        if (s[10] != 'T' && !(s[10] == ' ' && (formats & BrazeTimeFormats.Extended) != 0))
        {
            return false;
        }

        var rest = s[11..];
        if (rest.Length < 5 || !TryDigits(rest[..2], out var hh) || rest[2] != ':' || !TryDigits(rest.Slice(3, 2), out var mm))
        {
            return false;
        }

        rest = rest[5..];
        var ss = 0;
        long fractionTicks = 0;
        if (rest.Length >= 3 && rest[0] == ':' && IsDigit(rest[1]) && IsDigit(rest[2]))
        {
            ss = ((rest[1] - '0') * 10) + (rest[2] - '0');
            rest = rest[3..];

            // Fraction: ISO '.fff...' or Braze's ':SSS'.
            var colon = rest.Length >= 4 && rest[0] == ':' && IsDigit(rest[1]) && IsDigit(rest[2]) && IsDigit(rest[3]);
            if (colon && (formats & BrazeTimeFormats.ColonMilliseconds) == 0)
            {
                return false;
            }

            if (rest.Length >= 2 && (rest[0] == '.' || rest[0] == ',' || colon))
            {
                var sep = rest[0];
                var i = 1;
                long fraction = 0;
                var digits = 0;
                while (i < rest.Length && IsDigit(rest[i]))
                {
                    if (digits < 7)
                    {
                        fraction = (fraction * 10) + (rest[i] - '0');
                        digits++;
                    }

                    i++;
                }

                if (i == 1 || (sep == ':' && i != 4))
                {
                    return false;
                }

                for (var d = digits; d < 7; d++)
                {
                    fraction *= 10;
                }

                fractionTicks = fraction;
                rest = rest[i..];
            }
        }

        // ISO 8601 allows 24:00 for end of day; Braze does not document it, so it is refused (TryLocalTicks).
        if (!TryParseZone(rest, allowEmpty: true, out var offset) || !TryLocalTicks(year, month, day, hh, mm, ss, out var local))
        {
            return false;
        }

        return TryMake(local + fractionTicks, offset, out utcTicks);
    }

    private static bool TryParseUsDate(ReadOnlySpan<char> s, out long utcTicks)
    {
        utcTicks = 0;
        return s.Length == 10 && s[5] == '/'
            && TryDigits(s[..2], out var m) && TryDigits(s.Slice(3, 2), out var d) && TryDigits(s.Slice(6, 4), out var y)
            && TryLocalTicks(y, m, d, 0, 0, 0, out utcTicks);
    }

    // "ddd MMM dd HH:mm:ss TZD yyyy" and Braze's literal "ddd MM dd HH:mm:ss.TZD YYYY".
    private static bool TryParseLong(ReadOnlySpan<char> s, out long utcTicks)
    {
        utcTicks = 0;
        if (s.Length < 24 || s[3] != ' ' || IndexOf(s_days, s[..3]) < 0)
        {
            return false;
        }

        var rest = s[4..];
        int month;
        if (IsDigit(rest[0]))
        {
            if (!TryDigits(rest[..2], out month) || rest[2] != ' ')
            {
                return false;
            }

            rest = rest[3..];
        }
        else
        {
            month = IndexOf(s_months, rest[..3]) + 1;
            if (month == 0 || rest[3] != ' ')
            {
                return false;
            }

            rest = rest[4..];
        }

        if (rest.Length < 16 || !TryDigits(rest[..2], out var day) || rest[2] != ' '
            || !TryDigits(rest.Slice(3, 2), out var hh) || rest[5] != ':' || !TryDigits(rest.Slice(6, 2), out var mm)
            || rest[8] != ':' || !TryDigits(rest.Slice(9, 2), out var ss) || (rest[11] != ' ' && rest[11] != '.'))
        {
            return false;
        }

        rest = rest[12..];
        var lastSpace = rest.LastIndexOf(' ');
        if (lastSpace <= 0 || !TryDigits(rest[(lastSpace + 1)..], out var year) || rest.Length - lastSpace - 1 != 4)
        {
            return false;
        }

        var zone = rest[..lastSpace];
        if (zone.SequenceEqual("UTC") || zone.SequenceEqual("GMT"))
        {
            zone = "Z";
        }

        if (!TryParseZone(zone, allowEmpty: false, out var offset) || offset is null)
        {
            return false;
        }

        return TryLocalTicks(year, month, day, hh, mm, ss, out var local) && TryMake(local, offset, out utcTicks);
    }

    /// <summary>Local ticks and offset to UTC ticks (a year-0 time with a positive offset falls in year -1, out of range but readable).</summary>
    private static bool TryMake(long localTicks, TimeSpan? offset, out long utcTicks)
    {
        utcTicks = localTicks - (offset ?? TimeSpan.Zero).Ticks;
        return utcTicks >= -TicksPer400Years && utcTicks <= DateTime.MaxValue.Ticks;
    }

    // Z, +hh:mm, +hhmm, +hh, -..., or nothing (null offset, meaning UTC by Braze's rule).
    private static bool TryParseZone(ReadOnlySpan<char> s, bool allowEmpty, out TimeSpan? offset)
    {
        offset = null;
        if (s.IsEmpty)
        {
            return allowEmpty;
        }

        if (s.Length == 1 && (s[0] == 'Z' || s[0] == 'z'))
        {
            offset = TimeSpan.Zero;
            return true;
        }

        if (s[0] != '+' && s[0] != '-')
        {
            return false;
        }

        var sign = s[0] == '-' ? -1 : 1;
        var body = s[1..];
        int h, m = 0;
        if (body.Length == 2 && TryDigits(body, out h))
        {
        }
        else if (body.Length == 4 && TryDigits(body[..2], out h) && TryDigits(body[2..], out m))
        {
        }
        else if (body.Length == 5 && body[2] == ':' && TryDigits(body[..2], out h) && TryDigits(body[3..], out m))
        {
        }
        else
        {
            return false;
        }

        if (h > 14 || m > 59)
        {
            return false;
        }

        offset = new TimeSpan(sign * h, sign * m, 0);
        return true;
    }

    private static int IndexOf(string[] names, ReadOnlySpan<char> value)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (value.Equals(names[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 9)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!IsDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}

/// <summary>Which of Braze's time formats a field accepts (Braze's pages list fewer for events and purchases than for attributes).</summary>
[Flags]
internal enum BrazeTimeFormats
{
    /// <summary>ISO 8601 with a <c>T</c>: <c>2013-07-16T19:20:30.123+01:00</c>, <c>...Z</c>, no zone (UTC), or a date alone.</summary>
    Iso = 1,

    /// <summary>Braze's <c>yyyy-MM-dd'T'HH:mm:ss:SSSZ</c> (a colon before the milliseconds).</summary>
    ColonMilliseconds = 2,

    /// <summary>The forms Braze lists for attributes and properties: <c>yyyy-MM-dd HH:mm:ss</c>, <c>MM/dd/yyyy</c>, <c>ddd MMM dd HH:mm:ss TZD yyyy</c>.</summary>
    Extended = 4,

    /// <summary>Event <c>time</c>: ISO 8601 or <c>yyyy-MM-dd'T'HH:mm:ss:SSSZ</c> (Braze's event object page).</summary>
    Event = Iso | ColonMilliseconds,

    /// <summary>Attribute, property and <c>$time</c> values: every documented form.</summary>
    Any = Iso | ColonMilliseconds | Extended,
}
