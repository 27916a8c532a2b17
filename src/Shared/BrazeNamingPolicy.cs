// Shared source: compiled into Braze.Sdk (the enum public) and into the netstandard2.0 generator (internal); see src/Shared/README.md.
namespace Braze;

/// <summary>How member names become Braze property names.</summary>
#if BRAZE_GENERATOR
internal
#else
public
#endif
enum BrazeNamingPolicy
{
    /// <summary><c>ReleasedAt</c> becomes <c>released_at</c> (default).</summary>
    SnakeCase = 0,

    /// <summary><c>ReleasedAt</c> becomes <c>releasedAt</c>.</summary>
    CamelCase = 1,

    /// <summary>Names are used as declared.</summary>
    AsDeclared = 2,
}

/// <summary>What each <see cref="BrazeNamingPolicy"/> does to a member name: the one implementation of the policies.</summary>
internal static class NamingPolicyConverter
{
    /// <summary>
    /// <paramref name="name"/> under <paramref name="policy"/>. A value outside the enum (a cast number in an
    /// attribute) names as the default, snake_case.
    /// </summary>
    public static string Convert(string name, BrazeNamingPolicy policy)
    {
        if (name.Length == 0)
        {
            return name;
        }

        switch (policy)
        {
            case BrazeNamingPolicy.AsDeclared:
                return name;
            case BrazeNamingPolicy.CamelCase:
                var chars = name.ToCharArray();
                chars[0] = char.ToLowerInvariant(chars[0]);
                return new string(chars);
            case BrazeNamingPolicy.SnakeCase:
            default:
                return SnakeCase(name);
        }
    }

    /// <summary>Lower case with <c>_</c> where a word starts: <c>ReleasedAt</c> and <c>HTTPStatus2Code</c> become <c>released_at</c> and <c>http_status2_code</c>.</summary>
    private static string SnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previousLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var nextLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (i > 0 && (previousLower || (nextLower && char.IsUpper(name[i - 1]))) && sb[sb.Length - 1] != '_')
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
