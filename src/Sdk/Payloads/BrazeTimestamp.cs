using System.Text.Json;
using Braze.Generated;
using Braze.Rules;
using Braze.Wire;

namespace Braze;

/// <summary>
/// A time as the caller has it: a <see cref="DateTimeOffset"/>, a <see cref="DateTime"/> (Utc or Local; Unspecified
/// only when the options assume UTC), a <see cref="DateOnly"/> (midnight UTC) or text in any format Braze accepts
/// (or Liquid, in a Canvas User Update step). It is always written as ISO 8601 UTC with milliseconds.
/// </summary>
public readonly struct BrazeTimestamp : IEquatable<BrazeTimestamp>
{
    private readonly DateTimeOffset _offset;
    private readonly DateTime _dateTime;
    private readonly string? _text;
    private readonly byte _kind; // 0 offset, 1 DateTime, 2 text

    private BrazeTimestamp(DateTimeOffset offset, DateTime dateTime, string? text, byte kind)
    {
        _offset = offset;
        _dateTime = dateTime;
        _text = text;
        _kind = kind;
    }

    /// <summary>From a <see cref="DateTimeOffset"/>.</summary>
    public static BrazeTimestamp From(DateTimeOffset value) => new(value, default, null, 0);

    /// <summary>From a <see cref="DateTime"/>.</summary>
    public static BrazeTimestamp From(DateTime value) => new(default, value, null, 1);

    /// <summary>From a date: midnight UTC.</summary>
    public static BrazeTimestamp From(DateOnly value) => From(BrazeTime.ToUtc(value));

    /// <summary>From text in a format Braze accepts (checked by validation), or Liquid in a User Update step.</summary>
    public static BrazeTimestamp FromText(string text) => new(default, default, text ?? throw new ArgumentNullException(nameof(text)), 2);

#pragma warning disable CS1591, CA2225
    public static implicit operator BrazeTimestamp(DateTimeOffset value) => From(value);
    public static implicit operator BrazeTimestamp(DateTime value) => From(value);
    public static implicit operator BrazeTimestamp(DateOnly value) => From(value);
    public static bool operator ==(BrazeTimestamp left, BrazeTimestamp right) => left.Equals(right);
    public static bool operator !=(BrazeTimestamp left, BrazeTimestamp right) => !left.Equals(right);
#pragma warning restore CS1591, CA2225

    /// <summary>True when no value was given (the default of the struct).</summary>
    internal bool IsEmpty => _kind == 0 && _offset == default;

    /// <summary>The text form, when the time was given as text.</summary>
    internal string? Text => _kind == 2 ? _text : null;

    /// <summary>Converts to UTC; false for an Unspecified <see cref="DateTime"/> (unless assumed UTC), unparseable text or Liquid.</summary>
    internal bool TryGetUtc(BrazeValidationOptions options, out DateTimeOffset utc)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (_kind)
        {
            case 0:
                utc = _offset.ToUniversalTime();
                return true;
            case 1:
                return BrazeTime.TryToUtc(_dateTime, options.AssumeUtcForUnspecifiedDateTime, out utc);
            default:
                return BrazeTime.TryParse(_text, out utc);
        }
    }

    /// <summary>The UTC ticks of the time (see <see cref="BrazeTime.TryParseTicks"/>): text may hold year 0.</summary>
    private bool TryGetUtcTicks(BrazeValidationOptions options, out long ticks)
    {
        if (_kind == 2)
        {
            return BrazeTime.TryParseTicks(_text, BrazeTimeFormats.Any, out ticks);
        }

        var ok = TryGetUtc(options, out var utc);
        ticks = utc.UtcTicks;
        return ok;
    }

    /// <summary>Checks the time at the context's current path.</summary>
    internal void Validate(ValidationContext context, BrazeTimeFormats textFormats)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (_kind)
        {
            case 0:
                if (IsEmpty)
                {
                    context.Report(ValidationCodes.Required, "Time is required.");
                    return;
                }

                BrazeRules.Time(context, _offset);
                break;
            case 1:
                BrazeRules.Time(context, _dateTime, out _);
                break;
            default:
                BrazeRules.TimeString(context, _text, textFormats);
                if (context.IsUserUpdateStep)
                {
                    BrazeRules.UserUpdateStepText(context, _text!);
                }

                break;
        }
    }

    /// <summary>Writes the time as a JSON string in Braze's format (Liquid text as is). Validate first.</summary>
    internal void WriteValue(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_kind == 2 && BrazeRules.IsLiquid(_text))
        {
            writer.WriteStringValue(_text);
            return;
        }

        if (!TryGetUtcTicks(context.Options, out var ticks))
        {
            throw new InvalidOperationException("The time cannot be written: it is an Unspecified DateTime or text Braze does not accept. Validate the payload first.");
        }

        BrazeTime.WriteValue(writer, ticks);
    }

    /// <inheritdoc />
    public bool Equals(BrazeTimestamp other)
        => _kind == other._kind && _offset.Equals(other._offset) && _dateTime.Equals(other._dateTime) && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BrazeTimestamp other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_kind, _offset, _dateTime, _text);

    /// <inheritdoc />
    public override string ToString() => _kind switch
    {
        0 => BrazeTime.Format(_offset),
        1 => _dateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        _ => _text!,
    };
}
