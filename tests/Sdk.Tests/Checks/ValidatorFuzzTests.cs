using System.Text;
using System.Text.Json;
using CsCheck;

namespace Braze.Tests.Checks;

/// <summary>
/// No input makes a public validator method throw: hostile mutations of every kind of body go through every entry
/// point (text, UTF-8 bytes, a parsed element). CI runs 2,000; <c>BRAZE_FUZZ_ITERATIONS=200000</c> runs a soak.
/// </summary>
public class ValidatorFuzzTests
{
    [Fact]
    public void No_hostile_body_makes_any_validator_entry_point_throw()
    {
        HostileJson.Bodies.Sample(body =>
        {
            var text = Encoding.UTF8.GetString(body);
            _ = BrazePayloadValidator.ValidateTrackRequest(body);
            _ = BrazePayloadValidator.ValidateTrackRequest(text);
            _ = BrazePayloadValidator.ValidateUserUpdateStep(text);
            _ = BrazePayloadValidator.ValidateScheduleCreate(text, ScheduleTarget.Canvas);
            JsonDocument? document = null;
            try
            {
                document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 2000 });
            }
            catch (JsonException)
            {
                return; // not JSON: the text and byte entry points above already judged it
            }

            using (document)
            {
                var root = document.RootElement;
                _ = BrazePayloadValidator.ValidateTrackRequest(root);
                _ = BrazePayloadValidator.ValidateScheduleCreate(root, ScheduleTarget.Campaign);
                _ = BrazePayloadValidator.ValidateScheduleUpdate(root, ScheduleTarget.Canvas);
                _ = BrazePayloadValidator.ValidateScheduleDelete(root, ScheduleTarget.Campaign);
            }
        }, iter: HostileJson.Iterations(2000), threads: 1);
    }
}
