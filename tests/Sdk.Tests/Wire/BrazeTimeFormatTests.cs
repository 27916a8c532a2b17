using System.Globalization;
using System.Text;
using CsCheck;
using Braze.Wire;

namespace Braze.Tests.Wire;

public class BrazeTimeFormatTests
{
    private const string RuntimeFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'";

    private static string Expected(DateTimeOffset value) => value.UtcDateTime.ToString(RuntimeFormat, CultureInfo.InvariantCulture);

    [Fact]
    public void Formats_exactly_like_the_runtime_custom_format_for_any_time_and_offset()
    {
        var gen = from ticks in Gen.Long[DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay]
                  from minutes in Gen.Int[-14 * 60, 14 * 60]
                  select new DateTimeOffset(ticks, TimeSpan.FromMinutes(minutes));
        gen.Sample(value =>
        {
            Span<byte> utf8 = stackalloc byte[BrazeTime.FormattedLength];
            Assert.True(BrazeTime.TryFormat(value, utf8, out var written));
            Assert.Equal(BrazeTime.FormattedLength, written);
            Assert.Equal(Expected(value), Encoding.UTF8.GetString(utf8));
            Assert.Equal(Expected(value), BrazeTime.Format(value));
        }, iter: 20_000);
    }

    [Fact]
    public void Dates_are_written_like_the_runtime_custom_format()
    {
        Gen.Int[DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber].Select(DateOnly.FromDayNumber).Sample(date =>
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                BrazeTime.WriteValue(writer, date);
            }

            Assert.Equal("\"" + date.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture) + "\"", Encoding.UTF8.GetString(buffer.WrittenSpan));
        }, iter: 5_000);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00.0000000+00:00", "0001-01-01T00:00:00.000Z")]
    [InlineData("9999-12-31T23:59:59.9999999+00:00", "9999-12-31T23:59:59.999Z")]
    [InlineData("2024-02-29T23:30:00.0009999-01:00", "2024-03-01T00:30:00.000Z")]
    [InlineData("0999-07-04T09:08:07.1230000+00:00", "0999-07-04T09:08:07.123Z")]
    public void Pads_every_field_and_truncates_milliseconds(string input, string expected)
    {
        var value = DateTimeOffset.Parse(input, CultureInfo.InvariantCulture);
        Assert.Equal(expected, BrazeTime.Format(value));
        Assert.Equal(Expected(value), expected);
    }

    [Fact]
    public void A_short_destination_writes_nothing_and_says_so()
    {
        Span<byte> utf8 = stackalloc byte[BrazeTime.FormattedLength - 1];
        Span<char> utf16 = stackalloc char[BrazeTime.FormattedLength - 1];
        Assert.False(BrazeTime.TryFormat(DateTimeOffset.UnixEpoch, utf8, out var a));
        Assert.False(BrazeTime.TryFormat(DateTimeOffset.UnixEpoch, utf16, out var b));
        Assert.Equal(0, a + b);
    }
}
