using System.Text.Json;

namespace Braze.Wire;

/// <summary>The wire names of <see cref="TrackArray"/>, in one place.</summary>
internal static class TrackArrays
{
    /// <summary>The arrays in body order.</summary>
    public static readonly TrackArray[] All = [TrackArray.Attributes, TrackArray.Events, TrackArray.Purchases];

    /// <summary>The JSON name of <paramref name="array"/>.</summary>
    public static string Name(this TrackArray array) => array switch
    {
        TrackArray.Attributes => "attributes",
        TrackArray.Events => "events",
        TrackArray.Purchases => "purchases",
        _ => throw new ArgumentOutOfRangeException(nameof(array), array, "Unknown track array."),
    };

    /// <summary>The pre-encoded JSON name of <paramref name="array"/>.</summary>
    public static JsonEncodedText EncodedName(this TrackArray array) => array switch
    {
        TrackArray.Attributes => JsonNames.Attributes,
        TrackArray.Events => JsonNames.Events,
        TrackArray.Purchases => JsonNames.Purchases,
        _ => throw new ArgumentOutOfRangeException(nameof(array), array, "Unknown track array."),
    };

    /// <summary>The array named <paramref name="name"/> on the wire.</summary>
    public static bool TryParse(string? name, out TrackArray array)
    {
        switch (name)
        {
            case "attributes":
                array = TrackArray.Attributes;
                return true;
            case "events":
                array = TrackArray.Events;
                return true;
            case "purchases":
                array = TrackArray.Purchases;
                return true;
            default:
                array = default;
                return false;
        }
    }
}
