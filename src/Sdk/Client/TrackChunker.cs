using System.Buffers;
using System.Text.Json;
using Braze.Serialization;
using Braze.Validation;

namespace Braze.Client;

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
    private const int EnvelopeBytes = 48;

    private readonly ArrayBufferWriter<byte> _buffer;
    private readonly (int Offset, int Length)[][] _segments = new (int, int)[3][];

    private TrackChunker(ArrayBufferWriter<byte> buffer) => _buffer = buffer;

    public int ObjectCount => _segments[0].Length + _segments[1].Length + _segments[2].Length;

    public static TrackChunker Serialize(TrackRequest request, BrazeWriteContext context)
    {
        var chunker = new TrackChunker(new ArrayBufferWriter<byte>(Math.Max(4096, request.Count * 256)));
        using var writer = new Utf8JsonWriter(chunker._buffer, new JsonWriterOptions { SkipValidation = true });
        chunker._segments[0] = chunker.WriteAll(writer, request.Attributes, static (w, a, c) => a.WriteTo(w, c), context);
        chunker._segments[1] = chunker.WriteAll(writer, request.Events, static (w, e, c) => e.WriteTo(w, c), context);
        chunker._segments[2] = chunker.WriteAll(writer, request.Purchases, static (w, p, c) => p.WriteTo(w, c), context);
        return chunker;
    }

    /// <summary>Reports every object that alone is larger than a request body may be.</summary>
    public void ValidateObjectSizes(ValidationContext context)
    {
        string[] names = ["attributes", "events", "purchases"];
        for (var a = 0; a < 3; a++)
        {
            for (var i = 0; i < _segments[a].Length; i++)
            {
                if (_segments[a][i].Length + EnvelopeBytes > context.Options.MaxRequestBodyBytes)
                {
                    context.Push(names[a]);
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
        while (next[0] < _segments[0].Length || next[1] < _segments[1].Length || next[2] < _segments[2].Length)
        {
            var start = (int[])next.Clone();
            var counts = new int[3];
            long bytes = EnvelopeBytes;
            var total = 0;
            for (var a = 0; a < 3; a++)
            {
                while (next[a] < _segments[a].Length)
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
        var written = _buffer.WrittenSpan;
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

                var (offset, len) = _segments[a][starts[a] + i];
                written.Slice(offset, len).CopyTo(span[pos..]);
                pos += len;
            }

            span[pos++] = (byte)']';
        }

        span[pos++] = (byte)'}';
        return (array, pos);
    }

    public void Dispose() => _buffer.Clear();

    private (int, int)[] WriteAll<T>(Utf8JsonWriter writer, List<T> items, Action<Utf8JsonWriter, T, BrazeWriteContext> write, BrazeWriteContext context)
    {
        var segments = new (int, int)[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var start = _buffer.WrittenCount;
            writer.Reset(_buffer);
            write(writer, items[i], context);
            writer.Flush();
            segments[i] = (start, _buffer.WrittenCount - start);
        }

        return segments;
    }
}
