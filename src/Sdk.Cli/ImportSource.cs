using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Braze.Cli;

/// <summary>
/// The lines of an import file as <c>/users/track</c> objects: NDJSON (one object per line: an event when it has a
/// <c>name</c>, a purchase when it has a <c>product_id</c>, else an attributes object) or CSV (a header row; the
/// columns <c>external_id</c>, <c>braze_id</c>, <c>email</c> or <c>phone</c> name the user; with a <c>name</c> column
/// each row is an event and the other columns its properties, with <c>product_id</c> a purchase, otherwise the other
/// columns are attributes; numbers and true/false are sent as such, an empty cell is left out).
/// </summary>
internal static class ImportSource
{
    private static readonly string[] s_identifiers = ["external_id", "braze_id", "email", "phone"];

    /// <summary>One line: its number in the file, its text, and the object it makes (null when the line is empty or the header).</summary>
    public sealed record Line(long Number, string Text, TrackArray Array, byte[]? Payload, string? Problem);

    public static IEnumerable<Line> Read(string path, bool csv)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        string[]? header = null;
        long number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (csv && header is null)
            {
                header = Cells(text);
                continue;
            }

            yield return csv ? FromCsv(number, text, header!) : FromJson(number, text);
        }
    }

    /// <summary>Counts the lines that make objects (for the progress bar), without parsing them.</summary>
    public static long Count(string path, bool csv)
    {
        long count = 0;
        foreach (var line in File.ReadLines(path))
        {
            count += string.IsNullOrWhiteSpace(line) ? 0 : 1;
        }

        return csv ? Math.Max(0, count - 1) : count;
    }

    private static Line FromJson(long number, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new(number, text, TrackArray.Attributes, null, "the line is not a JSON object");
            }

            var array = root.TryGetProperty("name", out _) ? TrackArray.Events : root.TryGetProperty("product_id", out _) ? TrackArray.Purchases : TrackArray.Attributes;
            return new(number, text, array, Encoding.UTF8.GetBytes(root.GetRawText()), null);
        }
        catch (JsonException ex)
        {
            return new(number, text, TrackArray.Attributes, null, "the line is not JSON: " + ex.Message);
        }
    }

    private static Line FromCsv(long number, string text, string[] header)
    {
        var cells = Cells(text);
        if (cells.Length != header.Length)
        {
            return new(number, text, TrackArray.Attributes, null, $"the row has {cells.Length} cells, the header {header.Length}");
        }

        var array = header.Contains("name") ? TrackArray.Events : header.Contains("product_id") ? TrackArray.Purchases : TrackArray.Attributes;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var own = array switch
            {
                TrackArray.Events => ["name", "time", "app_id"],
                TrackArray.Purchases => new[] { "product_id", "currency", "price", "quantity", "time", "app_id" },
                _ => [],
            };
            var properties = new List<int>();
            for (var i = 0; i < header.Length; i++)
            {
                if (cells[i].Length == 0)
                {
                    continue;
                }

                if (s_identifiers.Contains(header[i]) || own.Contains(header[i]))
                {
                    if (header[i] is "price" or "quantity")
                    {
                        Value(writer, header[i], cells[i]);
                    }
                    else
                    {
                        writer.WriteString(header[i], cells[i]);
                    }
                }
                else if (array == TrackArray.Attributes)
                {
                    Value(writer, header[i], cells[i]);
                }
                else
                {
                    properties.Add(i);
                }
            }

            if (properties.Count > 0)
            {
                writer.WriteStartObject("properties");
                foreach (var i in properties)
                {
                    Value(writer, header[i], cells[i]);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return new(number, text, array, buffer.ToArray(), null);
    }

    /// <summary>A cell as JSON: an integer or decimal number, true/false, else a string.</summary>
    private static void Value(Utf8JsonWriter writer, string name, string cell)
    {
        if (long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumber(name, integer);
        }
        else if (decimal.TryParse(cell, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            writer.WriteNumber(name, number);
        }
        else if (cell is "true" or "false")
        {
            writer.WriteBoolean(name, cell == "true");
        }
        else
        {
            writer.WriteString(name, cell);
        }
    }

    /// <summary>The cells of one CSV row (RFC 4180: quoted cells may hold commas and doubled quotes; a row is one line).</summary>
    internal static string[] Cells(string row)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < row.Length; i++)
        {
            var c = row[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < row.Length && row[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return [.. cells];
    }
}
