using System.Collections;
using System.Text.Json;
using Braze.Generated;
using Braze.Rules;

namespace Braze;

/// <summary>
/// Properties built at run time, for payloads whose shape is not known at compile time: string keys with typed
/// values (numbers, booleans, strings, times, arrays, nested objects). For fixed shapes prefer an annotated record
/// and the source generator, which checks names at compile time and writes without allocating.
/// </summary>
/// <example>
/// <code>
/// var props = new BrazeProperties
/// {
///     { "movie", "The Sad Egg" },
///     { "price", 4.99m },
///     { "released_at", new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero) },
///     { "genres", new[] { "drama", "noir" } },
/// };
/// </code>
/// </example>
public sealed class BrazeProperties : IBrazeProperties, IEnumerable<KeyValuePair<string, BrazeValue>>
{
    private readonly List<KeyValuePair<string, BrazeValue>> _items = [];

    /// <summary>Number of properties.</summary>
    public int Count => _items.Count;

    /// <summary>Gets or replaces the value of <paramref name="name"/>.</summary>
    public BrazeValue this[string name]
    {
        get
        {
            var i = IndexOf(name);
            return i >= 0 ? _items[i].Value : throw new KeyNotFoundException($"No property named '{name}'.");
        }

        set
        {
            ArgumentNullException.ThrowIfNull(name);
            var i = IndexOf(name);
            if (i >= 0)
            {
                _items[i] = new(name, value);
            }
            else
            {
                _items.Add(new(name, value));
            }
        }
    }

    /// <summary>Adds a property. Adding a name twice throws, so no value is lost by accident; use the indexer to replace.</summary>
    public BrazeProperties Add(string name, BrazeValue value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IndexOf(name) >= 0)
        {
            throw new ArgumentException($"A property named '{name}' was already added; use the indexer to replace it.", nameof(name));
        }

        _items.Add(new(name, value));
        return this;
    }

    /// <summary>True when a property of that name exists.</summary>
    public bool ContainsKey(string name) => IndexOf(name) >= 0;

    /// <inheritdoc />
    void IBrazeProperties.WriteTo(Utf8JsonWriter writer, BrazeWriteContext context)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        foreach (var (name, value) in _items)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer, context);
        }

        writer.WriteEndObject();
    }

    /// <inheritdoc />
    void IBrazeProperties.Validate(ValidationContext context, PropertiesUsage usage)
    {
        ArgumentNullException.ThrowIfNull(context);
        var nestedUsage = usage == PropertiesUsage.NestedAttribute ? PropertiesUsage.NestedAttribute : PropertiesUsage.NestedProperty;
        var hasNested = false;
        foreach (var (name, value) in _items)
        {
            context.Push(name);
            BrazeRules.PropertyName(context, name, usage);
            if (value.IsNull && usage == PropertiesUsage.NestedAttribute)
            {
                AttributeRules.NullInNestedAttribute(context);
            }

            value.Validate(context, nestedUsage);
            context.Pop();
            hasNested |= value.IsNested;
        }

        PropertiesValidation.Shape(context, this, usage, _items.Count, hasNested);
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, BrazeValue>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string name)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            if (string.Equals(_items[i].Key, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
