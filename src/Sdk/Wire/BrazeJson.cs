using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Braze.Wire;

/// <summary>Helpers shared by the writers: pooled buffers and size measurement.</summary>
internal static class BrazeJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// Options for every writer that produces what Braze receives or what is measured against its limits: compact,
    /// and with the relaxed encoder, so non-ASCII text and <c>&lt;&gt;&amp;'+</c> travel as UTF-8 rather than
    /// <c>\uXXXX</c> escapes (an accented character is 2 bytes, not 6). The body is JSON sent to an API, never
    /// embedded in HTML. Characters outside the Basic Multilingual Plane (emoji) are still escaped by .NET's encoder.
    /// The writers' own code produces well-formed JSON, so validation is skipped.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true, MaxDepth = Braze.Shared.BrazeLimits.MaxDocumentDepth + 1 };

    /// <summary>
    /// Why UTF-8 JSON text cannot be read as Unicode, or null when it can: invalid UTF-8, or an escaped lone
    /// surrogate (<c>"\ud800"</c>), which JSON parsers accept but no string can hold. Run on text that parsed as JSON
    /// (a backslash then only occurs inside strings).
    /// </summary>
    public static string? UnicodeProblem(ReadOnlySpan<byte> utf8Json)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json))
        {
            return "The body is not valid UTF-8.";
        }

        for (var i = utf8Json.IndexOf((byte)'\\'); i >= 0 && i < utf8Json.Length - 1;)
        {
            if (utf8Json[i + 1] != (byte)'u')
            {
                i = Next(utf8Json, i + 2); // \" \\ \/ \b \f \n \r \t
                continue;
            }

            var unit = Hex(utf8Json, i + 2);
            if (unit is >= 0xD800 and <= 0xDBFF && i + 11 < utf8Json.Length && utf8Json[i + 6] == (byte)'\\' && utf8Json[i + 7] == (byte)'u'
                && Hex(utf8Json, i + 8) is >= 0xDC00 and <= 0xDFFF)
            {
                i = Next(utf8Json, i + 12); // a surrogate pair
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDFFF)
            {
                return $"The body has an escaped lone surrogate (\\u{unit:X4}) at byte {i + 1}; JSON strings must be valid Unicode.";
            }

            i = Next(utf8Json, i + 6);
        }

        return null;

        static int Next(ReadOnlySpan<byte> text, int from)
            => from >= text.Length ? -1 : text[from..].IndexOf((byte)'\\') is var at and >= 0 ? from + at : -1;

        static int Hex(ReadOnlySpan<byte> text, int at)
            => at + 4 <= text.Length && int.TryParse(text.Slice(at, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : -1;
    }

    /// <summary>Serializes with a pooled, thread-local writer and returns the byte count. Not reentrant for nested calls on the same thread.</summary>
    public static int Measure<TState>(Action<Utf8JsonWriter, TState> write, TState state)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(buffer, WriterOptions);
        }

        // Reentrancy: a measurement inside a measurement uses its own writer.
        t_writer = null;
        t_buffer = null;
        try
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            write(writer, state);
            writer.Flush();
            return (int)(writer.BytesCommitted + writer.BytesPending);
        }
        finally
        {
            if (buffer.Capacity > 1024 * 1024)
            {
                buffer = new ArrayBufferWriter<byte>(1024);
                writer.Reset(buffer);
            }

            t_writer = writer;
            t_buffer = buffer;
        }
    }
}
