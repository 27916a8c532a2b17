using System.Text;

namespace Braze.Rules;

/// <summary>
/// Canvas User Update step JSON is rendered by Liquid before Braze parses it, so it may hold Liquid where JSON
/// would not allow it (an unquoted <c>{{context.${points}}}</c> as a number, <c>{% assign %}</c> tags, double quotes
/// inside an output tag inside a string). This turns such text into parseable JSON with every Liquid expression
/// kept as a string value, so the validator can still see it (for example to warn about <c>event_properties</c>).
/// </summary>
internal static class LiquidText
{
    public static string MaskForJson(string text)
    {
        if (!text.Contains("{{", StringComparison.Ordinal) && !text.Contains("{%", StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && (text[i + 1] == '{' || text[i + 1] == '%'))
            {
                var close = text[i + 1] == '{' ? "}}" : "%}";
                var end = FindClose(text, i + 2, close);
                var tagEnd = end < 0 ? text.Length : end + 2;
                var tag = text[i..tagEnd];
                var isOutput = close == "}}";
                if (inString)
                {
                    AppendEscaped(sb, tag);
                }
                else if (isOutput)
                {
                    sb.Append('"');
                    AppendEscaped(sb, tag);
                    sb.Append('"');
                }

                // A {% tag %} outside a string renders to nothing JSON needs to see.
                i = tagEnd - 1;
                continue;
            }

            if (inString && c == '\\' && i + 1 < text.Length)
            {
                sb.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (c == '"')
            {
                inString = !inString;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>Finds the closing delimiter, skipping Braze's <c>${name}</c> references inside the tag.</summary>
    private static int FindClose(string text, int from, string close)
    {
        for (var i = from; i < text.Length - 1; i++)
        {
            if (text[i] == '$' && text[i + 1] == '{')
            {
                var end = text.IndexOf('}', i + 2);
                if (end < 0)
                {
                    return -1;
                }

                i = end;
                continue;
            }

            if (text[i] == close[0] && text[i + 1] == close[1])
            {
                return i;
            }
        }

        return -1;
    }

    private static void AppendEscaped(StringBuilder sb, string tag)
    {
        foreach (var ch in tag)
        {
            switch (ch)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    sb.Append(ch);
                    break;
            }
        }
    }
}
