using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Braze.Generated;

namespace Braze.Benchmarks;

/// <summary>A typical five-property event.</summary>
[BrazeEvent("rented_movie")]
public partial record RentedMovie(string Movie, string Director, decimal Price, int Rank, bool Rewatch);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RentedMovie))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;

/// <summary>
/// Writing event properties into a reused Utf8JsonWriter: the generated writer against a hand-written one (baseline),
/// System.Text.Json's source-generated fast path and its reflection path; one event and a 75-event request.
/// </summary>
[MemoryDiagnoser]
public class WriteBenchmarks
{
    private static readonly JsonEncodedText s_movie = JsonEncodedText.Encode("movie");
    private static readonly JsonEncodedText s_director = JsonEncodedText.Encode("director");
    private static readonly JsonEncodedText s_price = JsonEncodedText.Encode("price");
    private static readonly JsonEncodedText s_rank = JsonEncodedText.Encode("rank");
    private static readonly JsonEncodedText s_rewatch = JsonEncodedText.Encode("rewatch");
    private static readonly JsonSerializerOptions s_reflection = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };

    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly RentedMovie[] _events = Enumerable.Range(0, 75).Select(i => new RentedMovie("The Sad Egg", "Dan Alexander", 4.99m, i, i % 2 == 0)).ToArray();
    private readonly ValidationContext _context = new();
    private Utf8JsonWriter _writer = null!;

    [Params(1, 75)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup() => _writer = new Utf8JsonWriter(_buffer);

    [GlobalCleanup]
    public void Cleanup() => _writer.Dispose();

    [Benchmark(Baseline = true, Description = "hand-written Utf8JsonWriter")]
    public long HandWritten()
    {
        Reset();
        for (var i = 0; i < Events; i++)
        {
            var e = _events[i];
            _writer.WriteStartObject();
            _writer.WriteString(s_movie, e.Movie);
            _writer.WriteString(s_director, e.Director);
            _writer.WriteNumber(s_price, e.Price);
            _writer.WriteNumber(s_rank, e.Rank);
            _writer.WriteBoolean(s_rewatch, e.Rewatch);
            _writer.WriteEndObject();
        }

        return Done();
    }

    [Benchmark(Description = "generated writer")]
    public long Generated()
    {
        Reset();
        for (var i = 0; i < Events; i++)
        {
            ((IBrazeProperties)_events[i]).WriteTo(_writer, BrazeWriteContext.Default);
        }

        return Done();
    }

    [Benchmark(Description = "generated validate + write")]
    public long GeneratedValidated()
    {
        Reset();
        for (var i = 0; i < Events; i++)
        {
            _context.Reset();
            IBrazeProperties e = _events[i];
            e.Validate(_context, PropertiesUsage.Event);
            e.WriteTo(_writer, BrazeWriteContext.Default);
        }

        return Done();
    }

    [Benchmark(Description = "System.Text.Json source-gen")]
    public long SourceGenerated()
    {
        Reset();
        for (var i = 0; i < Events; i++)
        {
            JsonSerializer.Serialize(_writer, _events[i], BenchJsonContext.Default.RentedMovie);
        }

        return Done();
    }

    [Benchmark(Description = "System.Text.Json reflection")]
    public long Reflection()
    {
        Reset();
        for (var i = 0; i < Events; i++)
        {
            JsonSerializer.Serialize(_writer, _events[i], s_reflection);
        }

        return Done();
    }

    private void Reset()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        if (Events > 1)
        {
            _writer.WriteStartArray();
        }
    }

    private long Done()
    {
        if (Events > 1)
        {
            _writer.WriteEndArray();
        }

        _writer.Flush();
        return _writer.BytesCommitted;
    }
}
