using System.Diagnostics;
using Braze.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Braze.Tests.Observability;

/// <summary>The SDK's spans through OpenTelemetry's in-memory exporter: names, tags, links, and nothing secret or personal.</summary>
[Collection("Timing")]
public sealed class TracingTests
{
    private static readonly ActivitySource s_app = new("Test.App");

    private static (TracerProvider Provider, List<Activity> Spans) Trace()
    {
        var spans = new List<Activity>();
        var provider = Sdk.CreateTracerProviderBuilder().AddSource("Braze.Sdk", "Test.App").AddInMemoryExporter(spans).Build()!;
        return (provider, spans);
    }

    private static string Dump(IEnumerable<Activity> spans) => string.Join("\n", spans.Select(s => $"{s.DisplayName} {string.Join(",", s.TagObjects.Select(t => $"{t.Key}={t.Value}"))}"));

    [Fact]
    public async Task A_client_call_is_a_span_over_its_http_attempts_with_the_retry_reason()
    {
        var (provider, spans) = Trace();
        using (provider)
        {
            await using var braze = new InMemoryBraze();
            braze.AnswerNext(BrazeAnswer.ServerError());
            await braze.Client.TrackAsync(new TrackEvent(UserId.Email("ann@example.com"), "opened", DateTimeOffset.UtcNow));
        }

        var track = Assert.Single(spans, s => s.DisplayName == "braze.track");
        var sends = spans.Where(s => s.DisplayName == "braze.send").OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(2, sends.Count);
        Assert.All(sends, s => Assert.Equal(track.SpanId, s.ParentSpanId));
        Assert.Equal(("/users/track", 1, 1, 503), ((string?)sends[0].GetTagItem("braze.endpoint"), (int?)sends[0].GetTagItem("braze.objects"), (int?)sends[0].GetTagItem("braze.attempt"), (int?)sends[0].GetTagItem("http.response.status_code")));
        Assert.Equal(ActivityStatusCode.Error, sends[0].Status);
        Assert.Equal((2, "503", 201), ((int?)sends[1].GetTagItem("braze.attempt"), (string?)sends[1].GetTagItem("braze.retry_reason"), (int?)sends[1].GetTagItem("http.response.status_code")));
        Assert.Equal(1, track.GetTagItem("braze.objects"));
        Assert.DoesNotContain("ann@example.com", Dump(spans), StringComparison.Ordinal);
        Assert.DoesNotContain(InMemoryBraze.ApiKey, Dump(spans), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tracked_item_links_its_callers_span_to_the_batch_that_carried_it()
    {
        var (provider, spans) = Trace();
        ActivityContext first, second;
        using (provider)
        {
            await using var braze = new InMemoryBraze();
            var tracker = braze.Tracker;
            using (var request = s_app.StartActivity("POST /checkout"))
            {
                first = request!.Context;
                _ = tracker.Track(new TrackEvent(UserId.External("u1"), "checked_out", DateTimeOffset.UtcNow));
            }

            using (var request = s_app.StartActivity("POST /signup"))
            {
                second = request!.Context;
                _ = tracker.Track(new TrackEvent(UserId.External("u2"), "signed_up", DateTimeOffset.UtcNow));
            }

            await tracker.FlushAsync();
        }

        var batches = spans.Where(s => s.DisplayName == "braze.batch").ToList();
        Assert.NotEmpty(batches);
        var linked = batches.SelectMany(b => b.Links).Select(l => l.Context.SpanId).ToHashSet();
        Assert.Contains(first.SpanId, linked);
        Assert.Contains(second.SpanId, linked);
        Assert.All(batches, b => Assert.Equal(default, b.ParentSpanId)); // a root of its own, not a child of the first caller
        var send = spans.First(s => s.DisplayName == "braze.send");
        Assert.Contains(batches, b => b.SpanId == send.ParentSpanId);
    }

    [Fact]
    public async Task Scheduling_and_identity_calls_are_spans_named_by_what_they_do()
    {
        var (provider, spans) = Trace();
        using (provider)
        {
            await using var braze = new InMemoryBraze();
            await braze.Client.ScheduleAsync(new ScheduleRequest(ScheduleTarget.Canvas, "canvas-1", Schedule.At(DateTimeOffset.UtcNow.AddDays(1))) { Broadcast = true });
            await braze.Client.DeleteUsersAsync([UserId.External("u1")]);
        }

        Assert.Equal("/canvas/trigger/schedule/create", Assert.Single(spans, s => s.DisplayName == "braze.schedule").GetTagItem("braze.endpoint"));
        Assert.Equal("/users/delete", Assert.Single(spans, s => s.DisplayName == "braze.users").GetTagItem("braze.endpoint"));
    }

    [Fact]
    public async Task Nothing_is_traced_when_nobody_listens()
    {
        await using var braze = new InMemoryBraze();
        Activity.Current = null;
        await braze.Client.TrackAsync(new TrackEvent(UserId.External("u1"), "opened", DateTimeOffset.UtcNow));
        Assert.Null(Activity.Current);
    }
}
