using System.Text.Json;
using Braze.Generated;
using Braze.Payloads;
using Braze.Rules;
using Braze.Wire;

namespace Braze;

/// <summary>
/// A purchase for <c>/users/track</c>. Braze counts revenue as <see cref="Price"/> × <see cref="Quantity"/> and
/// treats a quantity of N as N purchases of one.
/// </summary>
public sealed class Purchase
{
    /// <summary>Creates a purchase for a user.</summary>
    /// <param name="user">Who bought.</param>
    /// <param name="productId">Product identifier, non-empty, at most 255 characters.</param>
    /// <param name="currency">Active ISO 4217 alphabetic code, for example <c>USD</c>.</param>
    /// <param name="price">Price per item in the currency's base unit; negative for refunds.</param>
    /// <param name="time">When it happened.</param>
    /// <param name="properties">Optional purchase properties.</param>
    public Purchase(UserId user, string productId, string currency, decimal price, BrazeTimestamp time, IBrazeProperties? properties = null)
        : this(productId, currency, price, time, properties)
    {
        User = user ?? throw new ArgumentNullException(nameof(user));
    }

    private Purchase(string productId, string currency, decimal price, BrazeTimestamp time, IBrazeProperties? properties)
    {
        ProductId = productId ?? throw new ArgumentNullException(nameof(productId));
        Currency = currency ?? throw new ArgumentNullException(nameof(currency));
        Price = price;
        Time = time;
        Properties = properties;
    }

    /// <summary>A purchase without an identifier, for a Canvas User Update step.</summary>
    public static Purchase ForUserUpdateStep(string productId, string currency, decimal price, BrazeTimestamp time, IBrazeProperties? properties = null)
        => new(productId, currency, price, time, properties);

    /// <summary>The user; null only in a Canvas User Update step.</summary>
    public UserId? User { get; }

    /// <summary><c>product_id</c>.</summary>
    public string ProductId { get; }

    /// <summary><c>currency</c>, an ISO 4217 code.</summary>
    public string Currency { get; }

    /// <summary><c>price</c> per item.</summary>
    public decimal Price { get; }

    /// <summary><c>quantity</c>, 1 to 100; default 1.</summary>
    public int Quantity { get; set; } = 1;

    /// <summary><c>time</c>.</summary>
    public BrazeTimestamp Time { get; }

    /// <summary>Purchase properties, or null.</summary>
    public IBrazeProperties? Properties { get; }

    /// <summary>Optional app identifier (<c>app_id</c>).</summary>
    public string? AppId { get; set; }

    /// <summary><c>_update_existing_only</c>.</summary>
    public bool? UpdateExistingOnly { get; set; }

    /// <summary>Writes the purchase object.</summary>
    internal void WriteTo(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        ObjectWriter.Head(writer, User, AppId);
        writer.WriteString(JsonNames.ProductId, ProductId);
        writer.WriteString(JsonNames.Currency, Currency);
        writer.WriteNumber(JsonNames.Price, Price);
        writer.WriteNumber(JsonNames.Quantity, Quantity);
        ObjectWriter.Tail(writer, Time, Properties, UpdateExistingOnly, context);
        writer.WriteEndObject();
    }

    /// <summary>Checks every rule; the context's current path points at this purchase (for example <c>purchases[0]</c>).</summary>
    internal void Validate(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        PayloadChecks.Identifier(context, User);
        context.Push("product_id");
        BrazeRules.ProductId(context, ProductId);
        context.Pop();
        context.Push("currency");
        BrazeRules.Currency(context, Currency);
        context.Pop();
        context.Push("quantity");
        BrazeRules.Quantity(context, Quantity);
        context.Pop();
        context.Push("time");
        Time.Validate(context, BrazeTimeFormats.Iso);
        context.Pop();
        if (Properties is not null)
        {
            context.Push("properties");
            Properties.Validate(context, PropertiesUsage.Purchase);
            context.Pop();
        }
    }
}
