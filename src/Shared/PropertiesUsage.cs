// Shared source: compiled into Braze.Sdk (public) and into the netstandard2.0 generator (internal).
namespace Braze.Generated;

/// <summary>What a properties object is used as; the naming and size rules differ per use.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
#if BRAZE_GENERATOR
internal
#else
public
#endif
enum PropertiesUsage
{
    /// <summary>Custom event <c>properties</c>: reserved names <c>time</c>, <c>event_name</c>; at most 256; size limit when nested.</summary>
    Event = 0,

    /// <summary>Purchase <c>properties</c>: also reserves <c>product_id</c>, <c>quantity</c>, <c>price</c>, <c>currency</c>.</summary>
    Purchase = 1,

    /// <summary>An object nested inside event or purchase properties.</summary>
    NestedProperty = 2,

    /// <summary>A nested custom attribute object (or an element of an array of objects): keys without spaces, <c>.</c> or leading <c>$</c>; times as <c>{"$time": ...}</c>.</summary>
    NestedAttribute = 3,

    /// <summary>Canvas entry properties (<c>context</c>) of a schedule or recipient.</summary>
    CanvasContext = 4,

    /// <summary>Campaign <c>trigger_properties</c> of a schedule or recipient.</summary>
    TriggerProperties = 5,
}
