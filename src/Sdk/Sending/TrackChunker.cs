using System.Buffers;
using System.Text.Json;
using Braze.Generated;
using Braze.Rules;
using Braze.Wire;

namespace Braze.Sending;

/// <summary>
/// Serializes every object of a <see cref="TrackRequest"/> exactly once into one pooled buffer, then plans HTTP
/// requests within Braze's limits (objects per request, total or per array; body bytes) keeping each array's
/// order, and assembles each request body from the serialized segments.
/// </summary>
internal sealed class TrackChunker : IDisposable
{
    private static ReadOnlySpan<byte> AttributesOpen => "{\"attributes\":["u8;
    private static ReadOnlySpan<byte> EventsOpen => "\"events\":["u8;
    private static ReadOnlySpan<byte> PurchasesOpen => "\"purchases\":["u8;

    // Envelope bytes of a body with all three arrays: {"attributes":[],"events":[],"purchases":[]}
    internal const int EnvelopeBytes = 48;

    private readonly IReadOnlyList<ReadOnlyMemory<byte>>[] _segments;

    /// <summary>A chunker over objects already serialized (one JSON object each) for the three arrays.</summary>
    public TrackChunker(IReadOnlyList<ReadOnlyMemory<byte>> attributes, IReadOnlyList<ReadOnlyMemory<byte>> events, IReadOnlyList<ReadOnlyMemory<byte>> purchases)
        => _segments = [attributes, events, purchases];

    public int ObjectCount => _segments[0].Count + _segments[1].Count + _segments[2].Count;

    public static TrackChunker Serialize(TrackRequest request, BrazeWriteContext context)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(4096, request.Count * 256));
        using var writer = new Utf8JsonWriter(buffer, BrazeJson.WriterOptions);
        var attributes = WriteAll(writer, buffer, request.Attributes, static (w, a, c) => a.WriteTo(w, c), context);
        var events = WriteAll(writer, buffer, request.Events, static (w, e, c) => e.WriteTo(w, c), context);
        var purchases = WriteAll(writer, buffer, request.Purchases, static (w, p, c) => p.WriteTo(w, c), context);
        var memory = buffer.WrittenMemory;
        return new TrackChunker(Slices(memory, attributes), Slices(memory, events), Slices(memory, purchases));
    }

    /// <summary>Serializes one object as it would appear in a request (used by the background tracker).</summary>
    public static byte[] SerializeObject<T>(T item, Action<Utf8JsonWriter, T, BrazeWriteContext> write, BrazeWriteContext context)
    {
        // One reusable buffer and writer per thread: the only allocation is the returned payload.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, BrazeJson.WriterOptions);
        t_buffer = null;
        t_writer = null;
        try
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            write(writer, item, context);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity <= 256 * 1024)
            {
                t_buffer = buffer;
                t_writer = writer;
            }
        }
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Reports every object that alone is larger than a request body may be.</summary>
    public void ValidateObjectSizes(ValidationContext context)
    {
        foreach (var array in TrackArrays.All)
        {
            var a = (int)array;
            for (var i = 0; i < _segments[a].Count; i++)
            {
                if (_segments[a][i].Length + EnvelopeBytes > context.Options.MaxRequestBodyBytes)
                {
                    context.Push(array.Name());
                    context.Push(i);
                    BrazeRules.RequestBodySize(context, _segments[a][i].Length + EnvelopeBytes);
                    context.Pop();
                    context.Pop();
                }
            }
        }
    }

    /// <summary>Plans the requests: each within the object and byte limits, arrays in order.</summary>
    public List<TrackObjectRange> Plan(BrazeValidationOptions options)
    {
        var ranges = new List<TrackObjectRange>();
        var next = new int[3];
        var perArray = options.ObjectLimitScope == ObjectLimitScope.PerArray;
        var max = options.MaxObjectsPerRequest;
        while (next[0] < _segments[0].Count || next[1] < _segments[1].Count || next[2] < _segments[2].Count)
        {
            var start = (int[])next.Clone();
            var counts = new int[3];
            long bytes = EnvelopeBytes;
            var total = 0;
            for (var a = 0; a < 3; a++)
            {
                while (next[a] < _segments[a].Count)
                {
                    if (perArray ? counts[a] >= max : total >= max)
                    {
                        break;
                    }

                    var size = _segments[a][next[a]].Length + 1;
                    if (bytes + size > options.MaxRequestBodyBytes && total > 0)
                    {
                        goto Full;
                    }

                    bytes += size;
                    counts[a]++;
                    total++;
                    next[a]++;
                }

                if (!perArray && total >= max)
                {
                    break;
                }
            }

        Full:
            ranges.Add(new TrackObjectRange(start[0], counts[0], start[1], counts[1], start[2], counts[2]));
        }

        return ranges;
    }

    /// <summary>Writes the body of one planned request into a rented array; return it to <see cref="ArrayPool{T}.Shared"/>.</summary>
    public (byte[] Array, int Length) BuildBody(TrackObjectRange range)
    {
        var length = 2;
        var arrays = 0;
        Span<int> starts = [range.AttributesStart, range.EventsStart, range.PurchasesStart];
        Span<int> counts = [range.AttributesCount, range.EventsCount, range.PurchasesCount];
        for (var a = 0; a < 3; a++)
        {
            if (counts[a] == 0)
            {
                continue;
            }

            arrays++;
            length += (a == 0 ? AttributesOpen.Length - 1 : a == 1 ? EventsOpen.Length : PurchasesOpen.Length) + 1 + (counts[a] - 1);
            for (var i = 0; i < counts[a]; i++)
            {
                length += _segments[a][starts[a] + i].Length;
            }
        }

        length += Math.Max(0, arrays - 1);
        var array = ArrayPool<byte>.Shared.Rent(length);
        var span = array.AsSpan();
        var pos = 0;
        span[pos++] = (byte)'{';
        var first = true;
        for (var a = 0; a < 3; a++)
        {
            if (counts[a] == 0)
            {
                continue;
            }

            if (!first)
            {
                span[pos++] = (byte)',';
            }

            first = false;
            var open = a == 0 ? AttributesOpen[1..] : a == 1 ? EventsOpen : PurchasesOpen;
            open.CopyTo(span[pos..]);
            pos += open.Length;
            for (var i = 0; i < counts[a]; i++)
            {
                if (i > 0)
                {
                    span[pos++] = (byte)',';
                }

                var segment = _segments[a][starts[a] + i].Span;
                segment.CopyTo(span[pos..]);
                pos += segment.Length;
            }

            span[pos++] = (byte)']';
        }

        span[pos++] = (byte)'}';
        return (array, pos);
    }

    public void Dispose()
    {
    }

    private static (int, int)[] WriteAll<T>(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, List<T> items, Action<Utf8JsonWriter, T, BrazeWriteContext> write, BrazeWriteContext context)
    {
        var segments = new (int, int)[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var start = buffer.WrittenCount;
            writer.Reset(buffer);
            write(writer, items[i], context);
            writer.Flush();
            segments[i] = (start, buffer.WrittenCount - start);
        }

        return segments;
    }

    private static ReadOnlyMemory<byte>[] Slices(ReadOnlyMemory<byte> memory, (int Offset, int Length)[] segments)
    {
        var slices = new ReadOnlyMemory<byte>[segments.Length];
        for (var i = 0; i < segments.Length; i++)
        {
            slices[i] = memory.Slice(segments[i].Offset, segments[i].Length);
        }

        return slices;
    }
}
