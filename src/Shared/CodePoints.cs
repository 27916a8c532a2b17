// Shared source: compiled into Braze.Sdk and into the netstandard2.0 generator (see src/Shared/README.md).
namespace Braze.Shared;

/// <summary>Braze counts the length of names and strings in Unicode code points: a surrogate pair counts once.</summary>
internal static class CodePoints
{
    /// <summary>The length of <paramref name="value"/> in code points.</summary>
    public static int Length(string value)
    {
        var length = value.Length;
        for (var i = 0; i < value.Length - 1; i++)
        {
            if (char.IsHighSurrogate(value[i]) && char.IsLowSurrogate(value[i + 1]))
            {
                length--;
                i++;
            }
        }

        return length;
    }
}
