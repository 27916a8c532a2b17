using System.Buffers;
using System.Text.Json;

namespace Braze.Wire;

/// <summary>Helpers shared by the writers: pooled buffers and size measurement.</summary>
internal static class BrazeJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Options for every writer the SDK creates: no indentation, no validation cost beyond the default, relaxed escaping off.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Indented = false, SkipValidation = false };

    /// <summary>Serializes with a pooled, thread-local writer and returns the byte count. Not reentrant for nested calls on the same thread.</summary>
    public static int Measure<TState>(Action<Utf8JsonWriter, TState> write, TState state)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
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
