using System.Buffers;
using System.Text.Json;
using CsCheck;
using Braze.Generated;
using Braze.Sending;

namespace Braze.Tests.Sending;

public class ChunkingTests
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Any_stream_of_objects_is_split_within_the_limits_in_order_without_loss_or_duplicates()
    {
        var gen = Gen.Select(Gen.Int[0, 120], Gen.Int[0, 120], Gen.Int[0, 120], Gen.Int[1, 80], Gen.Bool, Gen.Int[0, 3]);
        gen.Sample((attributes, events, purchases, max, perArray, sizeClass) =>
        {
            var request = new TrackRequest();
            for (var i = 0; i < attributes; i++)
            {
                request.Add(new AttributesUpdate(UserId.External($"a{i}")).Set("pad", new string('x', i % 7 * 30)));
            }

            for (var i = 0; i < events; i++)
            {
                request.Add(new TrackEvent(UserId.External($"e{i}"), "ev", s_time, new BrazeProperties { { "i", i } }));
            }

            for (var i = 0; i < purchases; i++)
            {
                request.Add(new Purchase(UserId.External($"p{i}"), $"sku{i}", "USD", i, s_time));
            }

            var options = new BrazeValidationOptions
            {
                MaxObjectsPerRequest = max,
                ObjectLimitScope = perArray ? ObjectLimitScope.PerArray : ObjectLimitScope.Total,
                MaxRequestBodyBytes = sizeClass switch { 0 => 1_000, 1 => 5_000, 2 => 20_000, _ => 4_000_000 },
            };
            using var chunker = TrackChunker.Serialize(request, new BrazeWriteContext(options));
            var ranges = chunker.Plan(options);
            var seen = new Dictionary<string, List<string>> { ["attributes"] = [], ["events"] = [], ["purchases"] = [] };
            foreach (var range in ranges)
            {
                Assert.True(range.Count > 0);
                if (perArray)
                {
                    Assert.True(range.AttributesCount <= max && range.EventsCount <= max && range.PurchasesCount <= max);
                }
                else
                {
                    Assert.True(range.Count <= max);
                }

                var (array, length) = chunker.BuildBody(range);
                try
                {
                    Assert.True(length <= options.MaxRequestBodyBytes || range.Count == 1, $"body {length} > {options.MaxRequestBodyBytes}");
                    using var doc = JsonDocument.Parse(array.AsMemory(0, length));
                    foreach (var name in seen.Keys)
                    {
                        if (doc.RootElement.TryGetProperty(name, out var items))
                        {
                            seen[name].AddRange(items.EnumerateArray().Select(o => o.GetProperty("external_id").GetString()!));
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(array);
                }
            }

            Assert.Equal(Enumerable.Range(0, attributes).Select(i => $"a{i}"), seen["attributes"]);
            Assert.Equal(Enumerable.Range(0, events).Select(i => $"e{i}"), seen["events"]);
            Assert.Equal(Enumerable.Range(0, purchases).Select(i => $"p{i}"), seen["purchases"]);
        }, iter: 300);
    }

    [Fact]
    public void Default_limits_put_75_objects_in_total_per_request()
    {
        var request = new TrackRequest();
        for (var i = 0; i < 80; i++)
        {
            request.Add(new AttributesUpdate(UserId.External($"a{i}")).Set("x", i));
            request.Add(new TrackEvent(UserId.External($"e{i}"), "ev", s_time));
        }

        var options = new BrazeValidationOptions();
        using var chunker = TrackChunker.Serialize(request, new BrazeWriteContext(options));
        var ranges = chunker.Plan(options);
        Assert.Equal([75, 75, 10], ranges.Select(r => r.Count));
        Assert.Equal((0, 75, 0, 0, 0, 0), Bounds(ranges[0]));
        Assert.Equal((75, 5, 0, 70, 0, 0), Bounds(ranges[1]));
    }

    private static (int, int, int, int, int, int) Bounds(TrackObjectRange r)
        => (r.AttributesStart, r.AttributesCount, r.EventsStart, r.EventsCount, r.PurchasesStart, r.PurchasesCount);
}
