using System.Globalization;
using System.Text.Json;
using Braze.Generated;
using Braze.Rules;
using Braze.Wire;

namespace Braze;

/// <summary>The kind of a <see cref="BrazeValue"/>.</summary>
public enum BrazeValueKind
{
    /// <summary>JSON null (on an attribute: remove it).</summary>
    Null = 0,
    /// <summary>A string (at most 255 characters).</summary>
    String,
    /// <summary>An integer.</summary>
    Integer,
    /// <summary>A floating point number.</summary>
    Float,
    /// <summary>A decimal number.</summary>
    Decimal,
    /// <summary>A boolean.</summary>
    Boolean,
    /// <summary>A point in time, written as ISO 8601 UTC.</summary>
    Time,
    /// <summary>A <see cref="System.DateTime"/>; kind Unspecified is an error unless the options assume UTC.</summary>
    DateTime,
    /// <summary>A date, written as midnight UTC.</summary>
    Date,
    /// <summary>An array of values (no times).</summary>
    Array,
    /// <summary>A nested object.</summary>
    Object,
    /// <summary>A raw Liquid expression, written unquoted; only valid in a Canvas User Update step.</summary>
    Liquid,
}

/// <summary>
/// A property or attribute value for the dynamic API (<see cref="BrazeProperties"/>, <see cref="AttributesUpdate"/>):
/// number, boolean, string, time, array or nested object. Converts implicitly from the CLR types.
/// Generated code does not use it; it writes typed members directly.
/// </summary>
public readonly struct BrazeValue : IEquatable<BrazeValue>
{
    // 32 bytes: a reference and two 64-bit words that hold whichever scalar the kind says (a long, a double's bits,
    // a decimal's four ints, a time's clock ticks and offset, a DateTime's ticks and kind). Properties built by hand
    // keep one of these per entry, so a wide layout (one field per scalar type, 80 bytes) doubled their cost.
    private readonly object? _ref;
    private readonly long _a;
    private readonly long _b;

    private BrazeValue(BrazeValueKind kind, object? reference = null, long a = 0, long b = 0)
    {
        Kind = kind;
        _ref = reference;
        _a = a;
        _b = b;
    }

    private double DoubleValue => BitConverter.Int64BitsToDouble(_a);

    private decimal DecimalValue
    {
        get
        {
            var flags = (int)(_b >> 32);
            return new decimal((int)_a, (int)(_a >> 32), (int)_b, flags < 0, (byte)(flags >> 16));
        }
    }

    private DateTimeOffset TimeValue => new(_a, TimeSpan.FromMinutes(_b));

    private DateTime DateTimeValue => new(_a, (DateTimeKind)_b);

    private static BrazeValue FromDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        return new(BrazeValueKind.Decimal, a: (uint)bits[0] | ((long)bits[1] << 32), b: (uint)bits[2] | ((long)bits[3] << 32));
    }

    private static BrazeValue FromTime(BrazeValueKind kind, DateTimeOffset value) => new(kind, a: value.Ticks, b: (long)value.Offset.TotalMinutes);

    /// <summary>JSON null.</summary>
    public static BrazeValue Null => default;

    /// <summary>The kind of value.</summary>
    public BrazeValueKind Kind { get; }

    /// <summary>True for <see cref="BrazeValueKind.Null"/>.</summary>
    public bool IsNull => Kind == BrazeValueKind.Null;

    /// <summary>True for the time kinds (<see cref="BrazeValueKind.Time"/>, <see cref="BrazeValueKind.DateTime"/>, <see cref="BrazeValueKind.Date"/>).</summary>
    internal bool IsTime => Kind is BrazeValueKind.Time or BrazeValueKind.DateTime or BrazeValueKind.Date;

    /// <summary>The string, for <see cref="BrazeValueKind.String"/> and <see cref="BrazeValueKind.Liquid"/>.</summary>
    public string? AsString => Kind is BrazeValueKind.String or BrazeValueKind.Liquid ? (string?)_ref : null;

    /// <summary>The elements, for <see cref="BrazeValueKind.Array"/>.</summary>
    public IReadOnlyList<BrazeValue>? AsArray => Kind == BrazeValueKind.Array ? (BrazeValue[]?)_ref : null;

    /// <summary>The number as a double, for <see cref="BrazeValueKind.Integer"/>, <see cref="BrazeValueKind.Float"/> and <see cref="BrazeValueKind.Decimal"/>.</summary>
    public double? AsDouble => Kind switch
    {
        BrazeValueKind.Integer => _a,
        BrazeValueKind.Float => DoubleValue,
        BrazeValueKind.Decimal => (double)DecimalValue,
        _ => null,
    };

    /// <summary>The nested object, for <see cref="BrazeValueKind.Object"/>.</summary>
    public IBrazeProperties? AsObject => Kind == BrazeValueKind.Object ? (IBrazeProperties?)_ref : null;

    /// <summary>A string value (null gives <see cref="Null"/>).</summary>
    public static BrazeValue From(string? value) => value is null ? Null : new(BrazeValueKind.String, value);

    /// <summary>An integer value.</summary>
    public static BrazeValue From(long value) => new(BrazeValueKind.Integer, a: value);

    /// <summary>A floating point value.</summary>
    public static BrazeValue From(double value) => new(BrazeValueKind.Float, a: BitConverter.DoubleToInt64Bits(value));

    /// <summary>A decimal value.</summary>
    public static BrazeValue From(decimal value) => FromDecimal(value);

    /// <summary>A boolean value.</summary>
    public static BrazeValue From(bool value) => new(BrazeValueKind.Boolean, a: value ? 1 : 0);

    /// <summary>A time value.</summary>
    public static BrazeValue From(DateTimeOffset value) => FromTime(BrazeValueKind.Time, value);

    /// <summary>A <see cref="System.DateTime"/> value (kind Unspecified is a validation error unless the options assume UTC).</summary>
    public static BrazeValue From(DateTime value) => new(BrazeValueKind.DateTime, a: value.Ticks, b: (long)value.Kind);

    /// <summary>A date value, written as midnight UTC.</summary>
    public static BrazeValue From(DateOnly value) => FromTime(BrazeValueKind.Date, BrazeTime.ToUtc(value));

    /// <summary>A nested object (null gives <see cref="Null"/>).</summary>
    public static BrazeValue From(IBrazeProperties? value) => value is null ? Null : new(BrazeValueKind.Object, value);

    /// <summary>An array value.</summary>
    public static BrazeValue Array(params BrazeValue[] values) => Array((IEnumerable<BrazeValue>)values);

    /// <summary>An array value.</summary>
    public static BrazeValue Array(IEnumerable<BrazeValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(BrazeValueKind.Array, values.ToArray());
    }

    /// <summary>An array of strings.</summary>
    public static BrazeValue Array(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(BrazeValueKind.Array, values.Select(From).ToArray());
    }

    /// <summary>
    /// A Liquid expression written unquoted (for example <c>{{context.${points}}}</c> for a number attribute).
    /// Only a Canvas User Update step renders Liquid; in a <c>/users/track</c> request this is a validation error.
    /// </summary>
    public static BrazeValue Liquid(string expression)
    {
        ArgumentException.ThrowIfNullOrEmpty(expression);
        return new(BrazeValueKind.Liquid, expression);
    }

#pragma warning disable CS1591, CA2225 // Conversions mirror the From factories.
    public static implicit operator BrazeValue(string? value) => From(value);
    public static implicit operator BrazeValue(int value) => From(value);
    public static implicit operator BrazeValue(long value) => From(value);
    public static implicit operator BrazeValue(double value) => From(value);
    public static implicit operator BrazeValue(decimal value) => From(value);
    public static implicit operator BrazeValue(bool value) => From(value);
    public static implicit operator BrazeValue(DateTimeOffset value) => From(value);
    public static implicit operator BrazeValue(DateTime value) => From(value);
    public static implicit operator BrazeValue(DateOnly value) => From(value);
    public static implicit operator BrazeValue(BrazeProperties? value) => From(value);
    public static implicit operator BrazeValue(string[] value) => Array((IEnumerable<string>)value);
    public static bool operator ==(BrazeValue left, BrazeValue right) => left.Equals(right);
    public static bool operator !=(BrazeValue left, BrazeValue right) => !left.Equals(right);
#pragma warning restore CS1591, CA2225

    /// <summary>Writes the value as JSON. Times follow the context (plain string, or <c>{"$time": ...}</c> in nested attributes).</summary>
    internal void WriteTo(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (Kind)
        {
            case BrazeValueKind.Null:
                writer.WriteNullValue();
                break;
            case BrazeValueKind.String:
                writer.WriteStringValue((string)_ref!);
                break;
            case BrazeValueKind.Integer:
                writer.WriteNumberValue(_a);
                break;
            case BrazeValueKind.Float:
                writer.WriteNumberValue(DoubleValue);
                break;
            case BrazeValueKind.Decimal:
                writer.WriteNumberValue(DecimalValue);
                break;
            case BrazeValueKind.Boolean:
                writer.WriteBooleanValue(_a != 0);
                break;
            case BrazeValueKind.Time:
            case BrazeValueKind.Date:
                context.WriteTime(writer, TimeValue);
                break;
            case BrazeValueKind.DateTime:
                context.WriteTime(writer, DateTimeValue);
                break;
            case BrazeValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in (BrazeValue[])_ref!)
                {
                    item.WriteTo(writer, context);
                }

                writer.WriteEndArray();
                break;
            case BrazeValueKind.Object:
                ((IBrazeProperties)_ref!).WriteTo(writer, context);
                break;
            case BrazeValueKind.Liquid:
                writer.WriteRawValue((string)_ref!, skipInputValidation: true);
                break;
            default:
                throw new InvalidOperationException($"Unknown value kind {Kind}.");
        }
    }

    /// <summary>
    /// Checks the value at the context's current path: string length, finite numbers, time rules, no times in
    /// arrays, nested objects with <paramref name="nestedUsage"/>'s key rules, Liquid only in a User Update step.
    /// </summary>
    internal void Validate(ValidationContext context, PropertiesUsage nestedUsage, bool inArray = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (Kind)
        {
            case BrazeValueKind.String:
                if (!(context.IsUserUpdateStep && BrazeRules.IsLiquid((string)_ref!)))
                {
                    _ = inArray ? BrazeRules.StringValue(context, (string)_ref!) : BrazeRules.StringOrTimeValue(context, (string)_ref!);
                }

                if (context.IsUserUpdateStep)
                {
                    BrazeRules.UserUpdateStepText(context, (string)_ref!);
                }

                break;
            case BrazeValueKind.Float:
                BrazeRules.Number(context, DoubleValue);
                break;
            case BrazeValueKind.Time:
            case BrazeValueKind.Date:
                if (inArray)
                {
                    BrazeRules.TimeInArray(context);
                }
                else
                {
                    BrazeRules.Time(context, TimeValue);
                }

                break;
            case BrazeValueKind.DateTime:
                if (inArray)
                {
                    BrazeRules.TimeInArray(context);
                }
                else
                {
                    BrazeRules.Time(context, DateTimeValue, out _);
                }

                break;
            case BrazeValueKind.Array when inArray:
                BrazeRules.ArrayInArray(context);
                break;
            case BrazeValueKind.Array when !BrazeRules.NestingDepth(context):
            case BrazeValueKind.Object when !BrazeRules.NestingDepth(context):
                break;
            case BrazeValueKind.Array:
                var items = (BrazeValue[])_ref!;
                for (var i = 0; i < items.Length; i++)
                {
                    context.Push(i);
                    items[i].Validate(context, nestedUsage, inArray: true);
                    context.Pop();
                }

                break;
            case BrazeValueKind.Object:
                ((IBrazeProperties)_ref!).Validate(context, nestedUsage);
                break;
            case BrazeValueKind.Liquid:
                if (!context.IsUserUpdateStep)
                {
                    context.Report(ValidationCodes.NotAllowed, "A raw Liquid value is only valid in a Canvas User Update step, not in a /users/track request.");
                }
                else
                {
                    BrazeRules.UserUpdateStepText(context, (string)_ref!);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>True when this value is an array or an object (Braze's size limit on properties then applies).</summary>
    internal bool IsNested => Kind is BrazeValueKind.Array or BrazeValueKind.Object;

    /// <inheritdoc />
    public bool Equals(BrazeValue other) => Kind == other.Kind && Kind switch
    {
        BrazeValueKind.Null => true,
        BrazeValueKind.Integer or BrazeValueKind.Boolean => _a == other._a,
        BrazeValueKind.Float => DoubleValue.Equals(other.DoubleValue),
        BrazeValueKind.Decimal => DecimalValue == other.DecimalValue,
        BrazeValueKind.Time or BrazeValueKind.Date => TimeValue.Equals(other.TimeValue),
        BrazeValueKind.DateTime => DateTimeValue.Equals(other.DateTimeValue),
        BrazeValueKind.Array => ((BrazeValue[])_ref!).SequenceEqual((BrazeValue[])other._ref!),
        _ => Equals(_ref, other._ref),
    };

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BrazeValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Kind switch
    {
        BrazeValueKind.Null or BrazeValueKind.Array => Kind.GetHashCode(),
        BrazeValueKind.Integer or BrazeValueKind.Boolean => HashCode.Combine(Kind, _a),
        BrazeValueKind.Float => HashCode.Combine(Kind, DoubleValue),
        BrazeValueKind.Decimal => HashCode.Combine(Kind, DecimalValue),
        BrazeValueKind.Time or BrazeValueKind.Date => HashCode.Combine(Kind, TimeValue),
        BrazeValueKind.DateTime => HashCode.Combine(Kind, DateTimeValue),
        _ => HashCode.Combine(Kind, _ref),
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        BrazeValueKind.Null => "null",
        BrazeValueKind.String or BrazeValueKind.Liquid => (string)_ref!,
        BrazeValueKind.Integer => _a.ToString(CultureInfo.InvariantCulture),
        BrazeValueKind.Float => DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        BrazeValueKind.Decimal => DecimalValue.ToString(CultureInfo.InvariantCulture),
        BrazeValueKind.Boolean => _a != 0 ? "true" : "false",
        BrazeValueKind.Time or BrazeValueKind.Date => BrazeTime.Format(TimeValue),
        BrazeValueKind.DateTime => DateTimeValue.ToString("O", CultureInfo.InvariantCulture),
        BrazeValueKind.Array => "[" + string.Join(", ", (BrazeValue[])_ref!) + "]",
        _ => _ref?.ToString() ?? string.Empty,
    };
}
