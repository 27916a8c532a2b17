using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CsCheck;
using Braze.Generated;

namespace Braze.Tests.Payloads;

public class BrazeValueTests
{
    private static string Json(BrazeValue value) => Json(w => value.WriteTo(w, BrazeWriteContext.Default));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void A_value_is_one_reference_and_two_words()
        => Assert.True(Unsafe.SizeOf<BrazeValue>() <= 32, $"BrazeValue is {Unsafe.SizeOf<BrazeValue>()} bytes");

    [Fact]
    public void Every_decimal_survives_the_packed_layout()
    {
        Assert.Equal(Json(w => w.WriteNumberValue(decimal.MaxValue)), Json(decimal.MaxValue));
        Assert.Equal(Json(w => w.WriteNumberValue(decimal.MinValue)), Json(decimal.MinValue));
        Assert.Equal("-0.000001", Json(-0.000001m));
        Gen.Decimal.Sample(d =>
        {
            Assert.Equal(Json(w => w.WriteNumberValue(d)), Json(d));
            Assert.Equal(d.ToString(CultureInfo.InvariantCulture), BrazeValue.From(d).ToString());
        }, iter: 5_000);
    }

    [Fact]
    public void Doubles_longs_and_booleans_survive_the_packed_layout()
    {
        Gen.Double.Where(double.IsFinite).Sample(x => Assert.Equal(Json(w => w.WriteNumberValue(x)), Json(x)), iter: 5_000);
        Gen.Long.Sample(x => Assert.Equal(x.ToString(CultureInfo.InvariantCulture), Json(x)), iter: 2_000);
        Assert.Equal("-0", Json(-0.0));
        Assert.Equal(double.NaN, BrazeValue.From(double.NaN).AsDouble);
        Assert.Equal("true", Json(true));
        Assert.Equal("false", Json(false));
    }

    [Fact]
    public void Times_keep_their_instant_and_date_times_their_kind()
    {
        var east = new DateTimeOffset(2024, 5, 1, 23, 30, 0, 123, TimeSpan.FromHours(14));
        Assert.Equal("\"2024-05-01T09:30:00.123Z\"", Json(east));
        Assert.Equal("\"2024-05-01T09:30:00.123Z\"", Json(east.ToOffset(TimeSpan.FromHours(-12))));
        Assert.Equal("\"2024-05-01T00:00:00.000Z\"", Json(new DateOnly(2024, 5, 1)));
        Assert.Equal("\"2024-05-01T12:00:00.000Z\"", Json(new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc)));
        Assert.Throws<InvalidOperationException>(() => Json(new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Unspecified)));
        Assert.Equal(BrazeValue.From(new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Local)).ToString(), new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Local).ToString("O", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Equality_is_by_value_within_a_kind()
    {
        var at = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.FromHours(2));
        Assert.Equal(BrazeValue.From(1.0m), BrazeValue.From(1.00m));
        Assert.Equal(BrazeValue.From(1.0m).GetHashCode(), BrazeValue.From(1.00m).GetHashCode());
        Assert.Equal(BrazeValue.From(at), BrazeValue.From(at.ToUniversalTime()));
        Assert.Equal(BrazeValue.From(at).GetHashCode(), BrazeValue.From(at.ToUniversalTime()).GetHashCode());
        Assert.Equal(BrazeValue.From(double.NaN), BrazeValue.From(double.NaN));
        Assert.NotEqual(BrazeValue.From(1L), BrazeValue.From(1.0));
        Assert.NotEqual(BrazeValue.From(1L), BrazeValue.From(true));
        Assert.NotEqual(BrazeValue.From(1m), BrazeValue.From(2m));
        Assert.Equal(BrazeValue.Array("a", "b"), BrazeValue.Array("a", "b"));
        Assert.Equal(BrazeValue.From("x"), BrazeValue.From(new string('x', 1)));
        Assert.Equal(BrazeValue.Null, BrazeValue.From((string?)null));
    }
}
